package dev.bollard.proxy.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When a request that failed on one endpoint goes to the next, after nginx's {@code
 * proxy_next_upstream}, {@code proxy_next_upstream_tries} and {@code proxy_next_upstream_timeout}
 * (ingress-nginx's keys and annotations of the same names). Only ever before anything of the
 * response went to the client, and never for a request that cannot be sent again: a non-idempotent
 * one ({@code POST}, {@code LOCK}, {@code PATCH}) once it was sent, unless {@link #NON_IDEMPOTENT}
 * is among the conditions; one whose body was streamed up.
 *
 * @param conditions the failures that move on, a bit set of {@link #ERROR}, {@link #TIMEOUT},
 *     {@link #INVALID_HEADER}, the {@code HTTP_*} statuses and {@link #NON_IDEMPOTENT}; 0 for
 *     {@code off}
 * @param tries how many endpoints one request may try in all, the first included; 0 for every
 *     endpoint of the backend (each at most once)
 * @param timeout how long after the first try a next one may still start; zero for no limit
 * @param retryNonIdempotent whether non-idempotent requests go on whatever the conditions say
 *     (ingress-nginx's global {@code retry-non-idempotent}, which it adds to every location's
 *     {@code proxy_next_upstream}, an Ingress's own included)
 */
public record NextUpstream(int conditions, int tries, Duration timeout,
    boolean retryNonIdempotent) {

  /** A connect error, or the upstream closed or reset the connection before a response head. */
  public static final int ERROR = 1;
  /** The connect, send or read timeout passed before a response head. */
  public static final int TIMEOUT = 1 << 1;
  /** The upstream's response head was invalid (or larger than the route allows). */
  public static final int INVALID_HEADER = 1 << 2;
  /** A response with status 500. */
  public static final int HTTP_500 = 1 << 3;
  /** A response with status 502. */
  public static final int HTTP_502 = 1 << 4;
  /** A response with status 503. */
  public static final int HTTP_503 = 1 << 5;
  /** A response with status 504. */
  public static final int HTTP_504 = 1 << 6;
  /** A response with status 403. */
  public static final int HTTP_403 = 1 << 7;
  /** A response with status 404. */
  public static final int HTTP_404 = 1 << 8;
  /** A response with status 429. */
  public static final int HTTP_429 = 1 << 9;
  /** Non-idempotent requests may go to the next endpoint even after they were sent. */
  public static final int NON_IDEMPOTENT = 1 << 10;

  private static final int STATUSES =
      HTTP_500 | HTTP_502 | HTTP_503 | HTTP_504 | HTTP_403 | HTTP_404 | HTTP_429;
  private static final int ALL = ERROR | TIMEOUT | INVALID_HEADER | STATUSES | NON_IDEMPOTENT;

  /** ingress-nginx's defaults: {@code error timeout}, 3 tries, no time limit. */
  public static final NextUpstream DEFAULTS =
      new NextUpstream(ERROR | TIMEOUT, 3, Duration.ZERO);

  /** Rules without ingress-nginx's {@code retry-non-idempotent}. */
  public NextUpstream(int conditions, int tries, Duration timeout) {
    this(conditions, tries, timeout, false);
  }

  public NextUpstream {
    if ((conditions & ~ALL) != 0) {
      throw new IllegalArgumentException(
          "conditions: " + Integer.toBinaryString(conditions) + " (expected: NextUpstream bits)");
    }
    if (tries < 0) {
      throw new IllegalArgumentException("tries: " + tries + " (expected: >= 0, 0 for no limit)");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
  }

  /**
   * The conditions of a {@code proxy-next-upstream} value: names separated by spaces ({@code
   * error timeout http_503}); {@code off} anywhere turns all of them off, as in nginx.
   *
   * @throws IllegalArgumentException naming the first unknown word
   */
  public static int parseConditions(String value) {
    String[] words = value.strip().split("\\s+");
    if (words.length == 1 && words[0].isEmpty()) {
      throw new IllegalArgumentException("expected one or more of error, timeout, invalid_header,"
          + " http_500, http_502, http_503, http_504, http_403, http_404, http_429,"
          + " non_idempotent, or off");
    }
    int bits = 0;
    boolean off = false;
    for (String word : words) {
      switch (word.toLowerCase(Locale.ROOT)) {
        case "error" -> bits |= ERROR;
        case "timeout" -> bits |= TIMEOUT;
        case "invalid_header" -> bits |= INVALID_HEADER;
        case "http_500" -> bits |= HTTP_500;
        case "http_502" -> bits |= HTTP_502;
        case "http_503" -> bits |= HTTP_503;
        case "http_504" -> bits |= HTTP_504;
        case "http_403" -> bits |= HTTP_403;
        case "http_404" -> bits |= HTTP_404;
        case "http_429" -> bits |= HTTP_429;
        case "non_idempotent" -> bits |= NON_IDEMPOTENT;
        case "off" -> off = true;
        default -> throw new IllegalArgumentException("unknown condition \"" + word
            + "\" (expected: error, timeout, invalid_header, http_500, http_502, http_503,"
            + " http_504, http_403, http_404, http_429, non_idempotent, or off)");
      }
    }
    return off ? 0 : bits;
  }

  /** The condition bit of a response status, or 0 when no condition names it. */
  public static int statusCondition(int status) {
    return switch (status) {
      case 500 -> HTTP_500;
      case 502 -> HTTP_502;
      case 503 -> HTTP_503;
      case 504 -> HTTP_504;
      case 403 -> HTTP_403;
      case 404 -> HTTP_404;
      case 429 -> HTTP_429;
      default -> 0;
    };
  }

  /** Whether {@code condition} (one bit) moves a request on. */
  public boolean on(int condition) {
    return (conditions & condition) != 0
        || (condition == NON_IDEMPOTENT && retryNonIdempotent && conditions != 0);
  }

  /** Whether any response status moves a request on (then response heads are looked at). */
  public boolean onAnyStatus() {
    return (conditions & STATUSES) != 0;
  }

  /** These rules with other conditions ({@code proxy-next-upstream}). */
  public NextUpstream withConditions(int value) {
    return new NextUpstream(value, tries, timeout, retryNonIdempotent);
  }

  /** These rules with another number of tries ({@code proxy-next-upstream-tries}). */
  public NextUpstream withTries(int value) {
    return new NextUpstream(conditions, value, timeout, retryNonIdempotent);
  }

  /** These rules with another time limit ({@code proxy-next-upstream-timeout}). */
  public NextUpstream withTimeout(Duration value) {
    return new NextUpstream(conditions, tries, value, retryNonIdempotent);
  }
}
