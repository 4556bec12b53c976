package dev.bollard.proxy.handler;

import dev.bollard.proxy.http.PlainResponses;
import dev.bollard.proxy.http.RequestPaths;
import dev.bollard.proxy.tls.EdgeTls;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks the head of an HTTP/2 stream's request once converted to an HTTP/1.1 head, before the
 * proxy handler sees it: what the HTTP/1.1 validator checks of a head that does not depend on
 * framing (header count, method, target, {@code Host}, body headers), and what only HTTP/2 has.
 *
 * <ul>
 *   <li>{@code :authority} is the host: the conversion turns it into a {@code Host} header, and a
 *       {@code Host} header the client sent as well must name the same host (400 otherwise: two
 *       parsers could read different hosts).
 *   <li>The conversion's own headers ({@code x-http2-stream-id}, {@code x-http2-scheme} …) are
 *       taken out, so they never reach an upstream; a client's headers of those names too.
 *   <li>No header field larger than {@code http2-max-field-size} (431).
 *   <li>On TLS, a stream for another host than the connection's SNI name is served only where a
 *       handshake for that host would have been served alike (same certificate and TLS settings,
 *       {@link EdgeTls.Listener#servesAlike}); else 421, and the client opens a connection of its
 *       own. Every stream is routed, guarded and logged by its own host: connection reuse never
 *       carries one host's access to another.
 * </ul>
 *
 * <p>A refused stream is answered with the plain answer and closed (the client's request body, if
 * any, is reset); the proxy handler hears of it through {@link RequestValidator.RequestRejected}
 * for the access log.
 */
public final class Http2StreamHead extends ChannelInboundHandlerAdapter {

  private static final List<CharSequence> CONVERSION_HEADERS = List.of(
      ExtensionHeaderNames.STREAM_ID.text(),
      ExtensionHeaderNames.SCHEME.text(),
      ExtensionHeaderNames.PATH.text(),
      ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
      ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
      ExtensionHeaderNames.STREAM_WEIGHT.text(),
      ExtensionHeaderNames.PROTOCOL.text());

  private final HeadLimits limits;
  private final int maxFieldBytes;
  private final EdgeTls.Listener edge;
  private boolean refused;

  /**
   * Checks with the listener's head {@code limits}, fields of at most {@code maxFieldBytes} (0: no
   * limit of its own), and the listener's TLS side {@code edge}.
   */
  public Http2StreamHead(HeadLimits limits, int maxFieldBytes, EdgeTls.Listener edge) {
    this.limits = limits;
    this.maxFieldBytes = maxFieldBytes;
    this.edge = edge;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest head) {
      RequestValidator.Rejection rejection = check(ctx, head);
      if (rejection != null) {
        ReferenceCountUtil.release(msg);
        refuse(ctx, rejection.withHead(head));
        return;
      }
      if (msg instanceof FullHttpRequest full) {
        // A stream whose HEADERS ended it: the head, then the end of its (empty) body, as the
        // HTTP/1.1 codec passes a request without a body on.
        ctx.fireChannelRead(new DefaultHttpRequest(full.protocolVersion(), full.method(),
            full.uri(), full.headers()));
        if (full.content().isReadable() || !full.trailingHeaders().isEmpty()) {
          ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        } else {
          full.release();
          ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void refuse(ChannelHandlerContext ctx, RequestValidator.Rejection rejection) {
    refused = true;
    ctx.fireUserEventTriggered(
        new RequestValidator.RequestRejected(rejection.status().code(), rejection.head()));
    ctx.writeAndFlush(PlainResponses.of(rejection.status(), rejection.reason(), false))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * The conversion refused the stream's head (say, {@code :authority} and {@code Host} that
   * disagree, which Netty checks itself): 400 like any malformed head, instead of a bare reset.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Http2Exception problem = cause instanceof Http2Exception e ? e
        : cause.getCause() instanceof Http2Exception e ? e : null;
    if (problem == null || refused || !ctx.channel().isActive()) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    String message = String.valueOf(problem.getMessage());
    // Netty's messages may quote client input: only a fixed text goes back.
    refuse(ctx, RequestValidator.badRequest(message.contains(":authority")
        ? ":authority and Host name different hosts" : "malformed HTTP/2 request head"));
  }

  private RequestValidator.@Nullable Rejection check(ChannelHandlerContext ctx, HttpRequest head) {
    HttpHeaders headers = head.headers();
    for (CharSequence name : CONVERSION_HEADERS) {
      headers.remove(name);
    }
    RequestValidator.Rejection hosts = oneHost(headers);
    if (hosts != null) {
      return hosts;
    }
    if (maxFieldBytes > 0) {
      for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
          it.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> field = it.next();
        if (field.getKey().length() + field.getValue().length() > maxFieldBytes) {
          return new RequestValidator.Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "header field larger than " + maxFieldBytes + " bytes (http2-max-field-size)");
        }
      }
    }
    RequestValidator.Rejection problem = RequestValidator.checkConverted(head, limits);
    if (problem != null) {
      return problem;
    }
    if (edge.secure()) {
      String host = RequestPaths.normalizeHost(headers.get(HttpHeaderNames.HOST));
      if (!edge.servesAlike(ClientRequest.connectionOf(ctx.channel()), host)) {
        return new RequestValidator.Rejection(HttpResponseStatus.MISDIRECTED_REQUEST,
            "this connection does not serve host " + PlainResponses.quote(host)
                + "; open a connection naming it");
      }
    }
    return null;
  }

  /**
   * {@code :authority} (converted to {@code Host}, first) and a {@code Host} the client sent must
   * agree; one {@code Host} is left.
   */
  private static RequestValidator.@Nullable Rejection oneHost(HttpHeaders headers) {
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() == 2) {
      if (!hosts.get(0).equalsIgnoreCase(hosts.get(1))) {
        return RequestValidator.badRequest(":authority and Host name different hosts");
      }
      headers.set(HttpHeaderNames.HOST, hosts.get(0));
    } else if (hosts.size() > 2) {
      return RequestValidator.badRequest("more than one Host header");
    }
    return null;
  }
}
