package dev.bollard.proxy.config;

/**
 * HTTP/2 towards clients, after ingress-nginx's {@code use-http2} and {@code http2-*} keys: whether
 * the HTTPS listener offers {@code h2} by ALPN, and the limits every HTTP/2 connection gets. Read
 * when a connection is accepted (ALPN at its handshake, the limits when it turns out to speak
 * HTTP/2), so a change reaches new connections only.
 *
 * @param enabled whether ALPN offers {@code h2} (then {@code http/1.1}); off: {@code http/1.1}
 *     only ({@code use-http2})
 * @param maxConcurrentStreams {@code SETTINGS_MAX_CONCURRENT_STREAMS}: streams a client may have
 *     open at once on one connection; more are refused with {@code REFUSED_STREAM} ({@code
 *     http2-max-concurrent-streams})
 * @param maxFieldBytes largest single header field (name and value) of a request; a larger one is
 *     answered 431; 0: no limit of its own, only the header list's ({@code http2-max-field-size})
 * @param maxHeaderListBytes {@code SETTINGS_MAX_HEADER_LIST_SIZE}: largest decoded header list of a
 *     request (pseudo-headers included, RFC 9113 section 6.5.2 sizes); beyond it the stream is
 *     answered 431 or, far beyond it, the connection is closed; 0: the HTTP/1.1 head limit of the
 *     listener ({@code http2-max-header-size})
 * @param maxRequests streams one connection serves before the proxy sends {@code GOAWAY}; 0: the
 *     global {@code keep-alive-requests} ({@code http2-max-requests}, which nginx since 1.19.7
 *     replaced by {@code keepalive_requests})
 */
public record Http2Settings(
    boolean enabled,
    int maxConcurrentStreams,
    int maxFieldBytes,
    int maxHeaderListBytes,
    int maxRequests) {

  /** ingress-nginx's defaults: on, 128 concurrent streams, the other limits those of HTTP/1.1. */
  public static final Http2Settings DEFAULTS = new Http2Settings(true, 128, 0, 0, 0);

  /** HTTP/1.1 only ({@code use-http2: "false"}). */
  public static final Http2Settings OFF = new Http2Settings(false, 128, 0, 0, 0);

  public Http2Settings {
    if (maxConcurrentStreams < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
    }
    if (maxFieldBytes < 0 || maxHeaderListBytes < 0 || maxRequests < 0) {
      throw new IllegalArgumentException("maxFieldBytes " + maxFieldBytes + ", maxHeaderListBytes "
          + maxHeaderListBytes + ", maxRequests " + maxRequests + " (expected: >= 0, 0 for the"
          + " HTTP/1.1 limit)");
    }
  }

  /** These settings turned on or off. */
  public Http2Settings withEnabled(boolean on) {
    return new Http2Settings(on, maxConcurrentStreams, maxFieldBytes, maxHeaderListBytes,
        maxRequests);
  }
}
