package dev.bollard.proxy.config;

/**
 * The status codes of refused requests of rate-limited routes: ingress-nginx's {@code
 * limit-req-status-code} (a request over a rate's burst) and {@code limit-conn-status-code} (one
 * request in flight too many), both 503 by default; users often choose 429.
 *
 * @param request the status for a request over a rate
 * @param connection the status for a request over {@code limit-connections}
 */
public record LimitStatus(int request, int connection) {

  /** nginx's and ingress-nginx's defaults: 503 for both. */
  public static final LimitStatus DEFAULTS = new LimitStatus(503, 503);

  public LimitStatus {
    check(request, "request");
    check(connection, "connection");
  }

  private static void check(int code, String which) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException(which + " status " + code + " (expected 400 to 599)");
    }
  }
}
