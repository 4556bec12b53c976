package dev.bollard.proxy.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Service port and the endpoints that serve it.
 *
 * <p>An empty endpoint list is legal: the Service exists but nothing is ready, and requests get
 * 503. Endpoints are sorted so that equal backends compare equal.
 *
 * @param id stable name for logs and pools: {@code namespace/service:port}
 * @param endpoints the ready endpoints, sorted: the only ones that take traffic
 * @param notReady the endpoints the cluster lists as not ready (or terminating), sorted; shown on
 *     the status page, never sent traffic
 * @param tls how upstream connections speak TLS, or {@code null} for plain HTTP
 * @param http2 whether upstream connections speak HTTP/2 (ingress-nginx's {@code backend-protocol}
 *     {@code GRPC}: h2c with prior knowledge; with {@code tls}, {@code GRPCS}: h2 agreed through
 *     ALPN), many requests sharing one connection; else HTTP/1.1
 */
public record Backend(
    String id, List<Endpoint> endpoints, List<Endpoint> notReady, @Nullable UpstreamTls tls,
    boolean http2) {

  public Backend {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id: \"\" (expected: namespace/service:port)");
    }
    endpoints = List.copyOf(endpoints);
    notReady = List.copyOf(notReady);
  }

  /** An HTTP/1.1 backend, in TLS when {@code tls} is not {@code null}. */
  public Backend(
      String id, List<Endpoint> endpoints, List<Endpoint> notReady, @Nullable UpstreamTls tls) {
    this(id, endpoints, notReady, tls, false);
  }

  /** A plain-HTTP backend. */
  public Backend(String id, List<Endpoint> endpoints, List<Endpoint> notReady) {
    this(id, endpoints, notReady, null);
  }

  /** A plain-HTTP backend whose endpoints are all ready. */
  public Backend(String id, List<Endpoint> endpoints) {
    this(id, endpoints, List.of());
  }

  /** This backend with {@code tls} (or plain HTTP for {@code null}). */
  public Backend withTls(@Nullable UpstreamTls tls) {
    return new Backend(id, endpoints, notReady, tls, http2);
  }

  /** This backend speaking HTTP/2 ({@code true}) or HTTP/1.1 to its endpoints. */
  public Backend withHttp2(boolean http2) {
    return new Backend(id, endpoints, notReady, tls, http2);
  }
}
