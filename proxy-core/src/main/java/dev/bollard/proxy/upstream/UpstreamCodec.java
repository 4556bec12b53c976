package dev.bollard.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.util.List;

/**
 * The HTTP/1.1 client codec of an upstream connection: Netty's request encoder and response
 * decoder, paired the way {@code HttpClientCodec} pairs them (a response to {@code HEAD} has no
 * body, nor has a {@code 2xx} to {@code CONNECT}), for one request at a time, plus what that codec
 * cannot tell: whether the upstream sent bytes beyond the response ({@link #hasUnreadBytes}).
 * Such a connection must not be pooled: the next response would be read after those bytes.
 */
final class UpstreamCodec
    extends CombinedChannelDuplexHandler<UpstreamCodec.Decoder, UpstreamCodec.Encoder> {

  UpstreamCodec(HttpDecoderConfig config) {
    Decoder decoder = new Decoder(config);
    init(decoder, new Encoder(decoder));
  }

  /**
   * Whether the decoder holds bytes it has not made into a message yet. Asked when a response has
   * ended (the bytes after it in the same read are still undecoded then) and when a pooled
   * connection is leased (bytes that arrived while it was idle).
   */
  boolean hasUnreadBytes() {
    return inboundHandler().unread() > 0;
  }

  /** The response decoder, told the method of the request in flight by the encoder. */
  static final class Decoder extends HttpResponseDecoder {
    private HttpMethod method = HttpMethod.GET;

    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    int unread() {
      return actualReadableBytes();
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      int code = ((HttpResponse) msg).status().code();
      if (code >= 100 && code < 200) {
        return super.isContentAlwaysEmpty(msg);
      }
      if (HttpMethod.HEAD.equals(method)) {
        return true;
      }
      if (HttpMethod.CONNECT.equals(method) && code >= 200 && code < 300) {
        return true;
      }
      return super.isContentAlwaysEmpty(msg);
    }
  }

  /** The request encoder; records each request's method for the decoder. */
  static final class Encoder extends HttpRequestEncoder {
    private final Decoder decoder;

    Encoder(Decoder decoder) {
      this.decoder = decoder;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest request) {
        decoder.method = request.method();
      }
      super.encode(ctx, msg, out);
    }
  }
}
