package dev.bollard.proxy.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.io.IOException;

/**
 * Between an upstream HTTP/2 stream's frame-to-HTTP codec and the exchange: what the conversion
 * adds or leaves out that a relay must not. Requests get {@code te: trailers} (the one {@code TE}
 * HTTP/2 allows, which gRPC servers expect; the request head lost the client's as hop-by-hop), and
 * response heads lose the {@code x-http2-stream-id} the conversion adds, which is this hop's
 * business only. A {@code RST_STREAM} from the upstream becomes an {@link IOException}, as a reset
 * connection is for HTTP/1.1.
 */
@Sharable
final class Http2StreamAdapter extends ChannelDuplexHandler {

  static final Http2StreamAdapter INSTANCE = new Http2StreamAdapter();

  private Http2StreamAdapter() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest request) {
      request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse response) {
      response.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    } else if (msg instanceof Http2ResetFrame reset) {
      // The exchange hears of it as of a reset HTTP/1.1 connection (its stream then closes).
      ctx.fireExceptionCaught(new IOException("the upstream reset the stream ("
          + Http2Error.valueOf(reset.errorCode()) + ")"));
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
