package dev.bollard.proxy.handler;

import dev.bollard.proxy.clientip.RealIpPolicy;
import dev.bollard.proxy.headers.RequestIds;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Builds the head a request is forwarded with, in one pass over one copy of the client's headers,
 * in this order:
 *
 * <ol>
 *   <li>hop-by-hop headers out (and those {@code Connection} names), {@code Expect} out (the proxy
 *       answers {@code 100 Continue} itself), framing re-applied, WebSocket upgrade headers kept;
 *   <li>{@code X-Forwarded-For} as the real-IP policy believes the chain; {@code
 *       X-Forwarded-Proto/-Host/-Port} from this hop, or as a trusted proxy sent them;
 *   <li>{@code X-Request-Id} and {@code X-Request-Start};
 *   <li>{@code Host} set to the routed authority for an absolute-form request (RFC 9112 section
 *       3.2.2: the upstream never sees another host than the one routing and the guard used), and
 *       the target itself sent in origin form;
 *   <li>the route's steps, in chain order (the guard's {@code Authorization} removal, rewrites of
 *       the target, prefixes, header rules).
 * </ol>
 *
 * <p>Always HTTP/1.1 and keep-alive, same method; same URI, but in origin form, unless a step
 * rewrote it.
 */
final class UpstreamHead {

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");

  private UpstreamHead() {}

  /**
   * The upstream head of {@code request}, routed and passed by its steps.
   *
   * @param listenerPort the port the client connected to ({@code X-Forwarded-Port})
   * @param webSocket whether the request asks for a WebSocket upgrade
   */
  static HttpRequest build(ClientRequest request, int listenerPort, boolean webSocket) {
    HttpRequest in = request.head();
    HttpHeaders given = in.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(in);
    HttpHeaders h = given.copy();
    HeaderRewriter.stripHopByHop(h);
    h.remove(HttpHeaderNames.EXPECT);
    if (chunked) {
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (webSocket) {
      h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }
    RequestTarget target = request.target();
    forwarded(request, given, h, listenerPort, target);
    RequestIds.applyUpstream(h, request.facts.requestIdValue(), request.facts.startMicros());
    if (target.absoluteForm()) {
      h.set(HttpHeaderNames.HOST, target.authority());
    }
    HttpRequest out =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, in.method(), target.upstreamUri(), h);
    request.steps().toUpstream(request, out);
    return out;
  }

  /** Whether the request asks for a WebSocket upgrade. */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    HttpHeaders h = request.headers();
    return h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  private static void forwarded(ClientRequest request, HttpHeaders given, HttpHeaders h,
      int listenerPort, RequestTarget target) {
    RealIpPolicy realIp = request.realIp;
    if (!realIp.forwardedForHeader().equals("x-forwarded-for")) {
      h.remove(realIp.forwardedForHeader());
    }
    h.set(X_FORWARDED_FOR, realIp.forwardedFor(request.source, given));
    boolean trusted = realIp.keepsForwardedProto(request.source);
    String proto = trusted ? given.get(X_FORWARDED_PROTO) : null;
    h.set(X_FORWARDED_PROTO, proto != null ? proto : request.secure() ? HTTPS : HTTP);
    String host = trusted ? given.get(X_FORWARDED_HOST) : null;
    if (host == null) {
      // The host the request was routed by: an absolute-form target's authority wins over Host.
      host = target.absoluteForm() ? target.authority() : given.get(HttpHeaderNames.HOST);
    }
    if (host != null) {
      h.set(X_FORWARDED_HOST, host);
    } else {
      h.remove(X_FORWARDED_HOST);
    }
    String port = trusted ? given.get(X_FORWARDED_PORT) : null;
    h.set(X_FORWARDED_PORT, port != null ? port : Integer.toString(listenerPort));
  }
}
