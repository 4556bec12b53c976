package dev.bollard.proxy.upstream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one step of an upstream HTTP/2 stream's pipeline: turns the exchange's HTTP objects into the
 * stream's frames and the frames that come back into HTTP objects for the lessee ({@link
 * UpstreamChannelHandler}), so the exchange relays a stream as it relays an HTTP/1.1 connection,
 * trailers included.
 *
 * <p>What Netty's {@code Http2StreamFrameToHttpObjectCodec} and {@code HttpConversionUtil} do for a
 * relay, in one handler per stream (no pipeline to build for each) and without their extras: the
 * request's pseudo-headers come from its origin-form target and {@code Host}, connection-specific
 * headers stay out, and {@code te: trailers} goes in (the one {@code TE} HTTP/2 allows, which gRPC
 * servers expect; the request head lost the client's as hop-by-hop); the response's headers, which
 * the HPACK decoder validated already, are copied once without a second validation, and carry no
 * {@code x-http2-stream-id}. A response head without {@code Content-Length} is marked chunked, and
 * one that ends the stream (a gRPC trailers-only answer) or is informational comes whole, as
 * Netty's codec gives them. A {@code RST_STREAM} from the upstream becomes an {@link IOException},
 * as a reset connection is for HTTP/1.1.
 */
final class Http2StreamHandler extends UpstreamChannelHandler {

  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
  /** Headers that HTTP/2 forbids or carries otherwise ({@code host} as {@code :authority}). */
  private static final Set<AsciiString> CONNECTION_SPECIFIC = Set.of(
      HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
      HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST,
      HttpHeaderNames.TE);

  private final AsciiString scheme;
  /** Whether the final response head came: a later HEADERS frame holds the trailers. */
  private boolean headRead;

  /** @param tls whether the connection speaks TLS ({@code :scheme https}) */
  Http2StreamHandler(boolean tls) {
    this.scheme = tls ? AsciiString.cached("https") : AsciiString.cached("http");
  }

  // ---- to the upstream ----------------------------------------------------------------------

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest request) {
      Http2Headers headers = requestHeaders(request);
      if (msg instanceof HttpContent content) {
        ctx.write(new DefaultHttp2HeadersFrame(headers, false));
        writeContent(ctx, content, promise);
      } else {
        ctx.write(new DefaultHttp2HeadersFrame(headers, false), promise);
      }
    } else if (msg instanceof HttpContent content) {
      writeContent(ctx, content, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  private static void writeContent(ChannelHandlerContext ctx, HttpContent content,
      ChannelPromise promise) {
    boolean last = content instanceof LastHttpContent;
    HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : null;
    if (trailers == null || trailers.isEmpty()) {
      if (!last && !content.content().isReadable()) {
        content.release();
        promise.trySuccess();
        return;
      }
      ctx.write(new DefaultHttp2DataFrame(content.content(), last), promise);
      return;
    }
    if (content.content().isReadable()) {
      ctx.write(new DefaultHttp2DataFrame(content.content(), false));
    } else {
      content.release();
    }
    ctx.write(new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(trailers, true), true),
        promise);
  }

  private Http2Headers requestHeaders(HttpRequest request) {
    String uri = request.uri();
    HttpHeaders in = request.headers();
    if (uri.isEmpty() || uri.charAt(0) != '/') {
      // Not in origin form (a step may have made it so): Netty's conversion, which parses it.
      in.set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), scheme);
      Http2Headers converted = HttpConversionUtil.toHttp2Headers(request, true);
      converted.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
      return converted;
    }
    Http2Headers out = new DefaultHttp2Headers(true, in.size() + 5);
    out.method(request.method().asciiName()).scheme(scheme).path(uri);
    String host = in.get(HttpHeaderNames.HOST);
    if (host != null) {
      out.authority(host);
    }
    Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      AsciiString name = AsciiString.of(header.getKey()).toLowerCase();
      if (!CONNECTION_SPECIFIC.contains(name)) {
        out.add(name, header.getValue());
      }
    }
    out.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    return out;
  }

  // ---- from the upstream --------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2DataFrame data) {
      super.channelRead(ctx, data.isEndStream()
          ? new DefaultLastHttpContent(data.content(), TRAILERS)
          : new DefaultHttpContent(data.content()));
    } else if (msg instanceof Http2HeadersFrame frame) {
      try {
        headers(ctx, frame);
      } catch (Http2Exception e) {
        exceptionCaught(ctx, new IOException("the upstream sent a bad response head: "
            + e.getMessage(), e));
      }
    } else if (msg instanceof Http2ResetFrame reset) {
      // The exchange hears of it as of a reset HTTP/1.1 connection (its stream then closes).
      exceptionCaught(ctx, new IOException("the upstream reset the stream ("
          + Http2Error.valueOf(reset.errorCode()) + ")"));
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void headers(ChannelHandlerContext ctx, Http2HeadersFrame frame) throws Http2Exception {
    Http2Headers in = frame.headers();
    if (headRead) {
      if (!frame.isEndStream()) {
        throw Http2Exception.streamError(frame.stream().id(), Http2Error.PROTOCOL_ERROR,
            "HEADERS after the response head that do not end the stream");
      }
      LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, TRAILERS);
      copy(in, last.trailingHeaders());
      super.channelRead(ctx, last);
      return;
    }
    CharSequence code = in.status();
    if (code == null) {
      throw Http2Exception.streamError(frame.stream().id(), Http2Error.PROTOCOL_ERROR,
          "a response head without :status");
    }
    HttpResponseStatus status = HttpConversionUtil.parseStatus(code);
    HttpHeaders headers = HEADERS.newHeaders();
    copy(in, headers);
    boolean informational = status.codeClass() == HttpStatusClass.INFORMATIONAL
        && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    if (informational || frame.isEndStream()) {
      headRead = !informational;
      super.channelRead(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.EMPTY_BUFFER, headers, TRAILERS.newHeaders()));
      return;
    }
    headRead = true;
    if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    super.channelRead(ctx, new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers));
  }

  /** The regular headers of {@code in} (its pseudo-headers left out) into {@code out}. */
  private static void copy(Http2Headers in, HttpHeaders out) {
    for (Map.Entry<CharSequence, CharSequence> header : in) {
      CharSequence name = header.getKey();
      if (name.length() == 0 || name.charAt(0) != ':') {
        out.add(name, header.getValue());
      }
    }
  }
}
