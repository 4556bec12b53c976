package dev.bollard.proxy.step;

import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's HTTP-to-HTTPS redirect, on plain-HTTP requests only (not those a trusted
 * TLS-terminating proxy says came over HTTPS: {@link StepRequest#clientSecure}): {@code 308} to
 * the same host and URI over HTTPS when the host has TLS and {@code ssl-redirect} is on (the
 * Ingress's annotation, else the global key), or always when the Ingress sets {@code
 * force-ssl-redirect}.
 * Compiled only where one of them applies, so a route without TLS pays nothing.
 */
public final class HttpsRedirect implements RouteStep {

  private final boolean force;
  private final @Nullable TlsSettings tls;

  private HttpsRedirect(boolean force, @Nullable TlsSettings tls) {
    this.force = force;
    this.tls = tls;
  }

  /** Redirects every plain request ({@code force-ssl-redirect}). */
  public static HttpsRedirect always() {
    return new HttpsRedirect(true, null);
  }

  /** Redirects plain requests for hosts that have a TLS binding in {@code tls}. */
  public static HttpsRedirect whenHostHasTls(TlsSettings tls) {
    return new HttpsRedirect(false, tls);
  }

  @Override
  public Phase phase() {
    return Phase.REDIRECT;
  }

  @Override
  public String name() {
    return force ? "force-ssl-redirect" : "ssl-redirect";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    String host = request.host();
    if (request.clientSecure() || host.isEmpty()) {
      return StepOutcome.PASS;
    }
    TlsSettings bindings = tls;
    if (bindings != null && bindings.bindingFor(host).isEmpty()) {
      return StepOutcome.PASS;
    }
    int port = request.services().httpsRedirectPort();
    String uri = request.originUri();
    // An IPv6 literal keeps its brackets through normalisation; one without them gets them.
    String location = "https://"
        + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
        + (port == 443 ? "" : ":" + port) + (uri.startsWith("/") ? uri : "/");
    return (StepOutcome.Answer) keep -> {
      FullHttpResponse response = PlainResponses.text(HttpResponseStatus.PERMANENT_REDIRECT,
          "308 Permanent Redirect: " + location + "\n", keep);
      response.headers().set(HttpHeaderNames.LOCATION, location);
      return response;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
