package dev.bollard.proxy.handler;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Every test of {@link RequestValidatorTest} with the codec a step of its own and the validator
 * added after it (the validator then puts its scanner, a step of its own, before the codec).
 */
class RequestValidatorSeparateScannerTest extends RequestValidatorTest {

  @Override
  EmbeddedChannel newChannel(ChannelInboundHandlerAdapter last) {
    return new EmbeddedChannel(
        RequestValidator.newServerCodec(LIMITS), new RequestValidator(LIMITS), last);
  }

  @Override
  void removeCodec(EmbeddedChannel channel) {
    channel.pipeline().remove(HttpServerCodec.class);
  }

  @Override
  int stepsLeavingWithTheValidator() {
    return 1;
  }
}
