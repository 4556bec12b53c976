package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.Route;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * The headers that tell an error backend what went wrong, as ingress-nginx sets them ({@code
 * X-Code}, {@code X-Format}, {@code X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name},
 * {@code X-Service-Name}, {@code X-Service-Port}, {@code X-Request-ID}), and the request that
 * fetches an error page. Only ever on the error path: nothing here runs for a normal response.
 */
final class ErrorPageHeaders {

  private static final AsciiString X_CODE = AsciiString.cached("x-code");
  private static final AsciiString X_FORMAT = AsciiString.cached("x-format");
  private static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");
  private static final AsciiString X_NAMESPACE = AsciiString.cached("x-namespace");
  private static final AsciiString X_INGRESS_NAME = AsciiString.cached("x-ingress-name");
  private static final AsciiString X_SERVICE_NAME = AsciiString.cached("x-service-name");
  private static final AsciiString X_SERVICE_PORT = AsciiString.cached("x-service-port");
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

  private ErrorPageHeaders() {}

  /**
   * Sets the headers on {@code h} for an error of {@code code}; a header whose value is unknown is
   * removed, so that a client cannot make it up.
   */
  static void describe(HttpHeaders h, int code, ClientRequest request) {
    Route route = request.routing().route();
    h.set(X_CODE, Integer.toString(code));
    setOrRemove(h, X_FORMAT, request.head().headers().get(HttpHeaderNames.ACCEPT));
    h.set(X_ORIGINAL_URI, request.target().upstreamUri());
    if (route != null) {
      // ingress-nginx's $namespace, $ingress_name, $service_name and $service_port: the backend
      // id is namespace/service:port, the port as the Ingress names it (number or name).
      String id = route.backend().id();
      int slash = id.indexOf('/');
      int colon = id.lastIndexOf(':');
      setOrRemove(h, X_NAMESPACE, route.source().namespace());
      setOrRemove(h, X_INGRESS_NAME, route.source().name());
      setOrRemove(h, X_SERVICE_NAME, id.substring(slash + 1, colon > slash ? colon : id.length()));
      setOrRemove(h, X_SERVICE_PORT, colon > slash ? id.substring(colon + 1) : null);
    } else {
      h.remove(X_NAMESPACE);
      h.remove(X_INGRESS_NAME);
      h.remove(X_SERVICE_NAME);
      h.remove(X_SERVICE_PORT);
    }
    h.set(X_REQUEST_ID, request.facts.requestIdValue());
  }

  /**
   * The request that fetches the error page for {@code code}, as ingress-nginx's {@code @custom_}
   * location sends it: the client's method and headers (hop-by-hop ones, {@code Expect}, framing
   * and {@code Authorization} out: the body is not sent again, and credentials meant for the route
   * do not go to the error backend), the client's {@code Host}, the path {@code /} with the
   * client's query (nginx's {@code rewrite (.*) / break}), and the {@link #describe} headers.
   */
  static HttpRequest errorPageRequest(ClientRequest request, int code) {
    HttpRequest in = request.head();
    HttpHeaders h = in.headers().copy();
    HeaderRewriter.stripHopByHop(h);
    h.remove(HttpHeaderNames.EXPECT);
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.remove(HttpHeaderNames.AUTHORIZATION);
    RequestTarget target = request.target();
    if (target.absoluteForm()) {
      h.set(HttpHeaderNames.HOST, target.authority());
    }
    describe(h, code, request);
    String uri = target.upstreamUri();
    int query = uri.indexOf('?');
    String path = query < 0 ? "/" : "/" + uri.substring(query);
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, in.method(), path,
        Unpooled.EMPTY_BUFFER, h, EmptyHttpHeaders.INSTANCE);
  }

  private static void setOrRemove(HttpHeaders h, AsciiString name, @Nullable String value) {
    if (value == null || value.isEmpty()) {
      h.remove(name);
    } else {
      h.set(name, value);
    }
  }
}
