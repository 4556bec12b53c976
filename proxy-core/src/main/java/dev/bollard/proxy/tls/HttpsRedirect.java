package dev.bollard.proxy.tls;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.routing.RouteMatch;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's HTTP-to-HTTPS redirect on the plain listener: {@code 308} to the same host and
 * URI over HTTPS when the host has TLS and {@code ssl-redirect} is on (the Ingress's annotation,
 * else the global key), or always when the Ingress sets {@code force-ssl-redirect}.
 */
final class HttpsRedirect {

  private HttpsRedirect() {}

  /**
   * The redirect for a plain-HTTP request, or {@code null} to serve it as it is.
   *
   * @param host the request's host, normalised (lower case, no port)
   * @param uri the request URI as received (path and query)
   * @param httpsPort the port clients reach HTTPS on; 443 is left out of the location
   */
  static @Nullable FullHttpResponse redirect(RoutingSnapshot snapshot, RouteMatch match, String host,
      String uri, int httpsPort, boolean keepAlive) {
    if (host.isEmpty()) {
      return null;
    }
    TlsSettings tls = snapshot.tls();
    Route route = match.route();
    boolean force = route != null && tls.forceSslRedirect().contains(route.source());
    if (!force) {
      Boolean annotated = route == null ? null : tls.sslRedirect().get(route.source());
      boolean enabled = annotated != null ? annotated : snapshot.settings().sslRedirect();
      if (!enabled || tls.bindingFor(host).isEmpty()) {
        return null;
      }
    }
    String location = "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + (httpsPort == 443 ? "" : ":" + httpsPort) + (uri.startsWith("/") ? uri : "/");
    FullHttpResponse response = AcmeChallengeStep.text(HttpResponseStatus.PERMANENT_REDIRECT,
        "308 Permanent Redirect: " + location + "\n", keepAlive);
    response.headers().set(HttpHeaderNames.LOCATION, location);
    return response;
  }
}
