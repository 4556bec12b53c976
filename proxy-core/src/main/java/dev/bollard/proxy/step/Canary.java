package dev.bollard.proxy.step;

import com.google.re2j.Pattern;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's canary: a canary Ingress's backend as the alternative of the main Ingress's
 * route, chosen per request the way ingress-nginx's balancer chooses it
 * ({@code route_to_alternative_balancer}), in this order:
 *
 * <ol>
 *   <li>the {@code canary-by-header} header, when the request has it: with {@code
 *       canary-by-header-value}, that exact value sends to the canary; else with {@code
 *       canary-by-header-pattern}, a value the pattern finds a match in; else {@code always}
 *       sends to the canary and {@code never} to the main backend. Any other value goes on;
 *   <li>the {@code canary-by-cookie} cookie: {@code always} or {@code never}; any other value goes
 *       on;
 *   <li>the weight: the canary with probability {@code weight / total}, where the total is {@code
 *       canary-weight-total} but never below 100 (ingress-nginx's balancer ignores a smaller
 *       total).
 * </ol>
 *
 * <p>A canary backend without a ready endpoint is never chosen: the main backend serves. Per
 * request this allocates nothing, except a matcher when a pattern is tested.
 */
public final class Canary implements RouteStep, RouteFeature {

  private static final String ALWAYS = "always";
  private static final String NEVER = "never";

  private final Backend backend;
  private final @Nullable String header;
  private final @Nullable AsciiString headerName;
  private final @Nullable String headerValue;
  private final @Nullable String headerPattern;
  private final @Nullable Pattern compiledPattern;
  private final @Nullable String cookie;
  private final int weight;
  private final int weightTotal;
  private final int drawTotal;

  /**
   * @param backend the canary Ingress's backend for this route
   * @param header the header name, or null
   * @param headerValue the header value that selects the canary, or null
   * @param headerPattern a regular expression (RE2 syntax: matched in time linear in the value,
   *     so no pattern can backtrack on a client's header; found anywhere in the value), or null;
   *     ignored when {@code headerValue} is given, as in ingress-nginx
   * @param cookie the cookie name, or null
   * @param weight the canary's weight, from 0
   * @param weightTotal the weights' total as given (at least 1)
   */
  public Canary(Backend backend, @Nullable String header, @Nullable String headerValue,
      @Nullable String headerPattern, @Nullable String cookie, int weight, int weightTotal) {
    this.backend = Objects.requireNonNull(backend, "backend");
    if (weight < 0) {
      throw new IllegalArgumentException("weight: " + weight + " (expected 0 or more)");
    }
    if (weightTotal < 1) {
      throw new IllegalArgumentException("weightTotal: " + weightTotal + " (expected 1 or more)");
    }
    this.header = blankToNull(header);
    this.headerName = this.header == null ? null : AsciiString.cached(this.header);
    this.headerValue = blankToNull(headerValue);
    this.headerPattern = blankToNull(headerPattern);
    this.compiledPattern = this.headerPattern == null ? null : Pattern.compile(this.headerPattern);
    this.cookie = blankToNull(cookie);
    this.weight = weight;
    this.weightTotal = weightTotal;
    this.drawTotal = Math.max(100, weightTotal);
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The canary backend. */
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Backend> backends() {
    return List.of(backend);
  }

  @Override
  public Phase phase() {
    return Phase.BACKEND;
  }

  @Override
  public String name() {
    return "canary";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    if (!backend.endpoints().isEmpty() && toCanary(request.head().headers())) {
      request.useBackend(backend);
    }
    return StepOutcome.PASS;
  }

  /** Whether a request with these headers goes to the canary (ingress-nginx's precedence). */
  boolean toCanary(HttpHeaders headers) {
    if (headerName != null) {
      String value = headers.get(headerName);
      if (value != null) {
        if (headerValue != null) {
          if (headerValue.equals(value)) {
            return true;
          }
        } else if (compiledPattern != null) {
          if (compiledPattern.matcher(value).find()) {
            return true;
          }
        } else if (ALWAYS.equals(value)) {
          return true;
        } else if (NEVER.equals(value)) {
          return false;
        }
      }
    }
    if (cookie != null) {
      String cookies = headers.get(HttpHeaderNames.COOKIE);
      if (cookies != null) {
        int verdict = cookieVerdict(cookies, cookie);
        if (verdict != 0) {
          return verdict > 0;
        }
      }
    }
    return weight > 0 && ThreadLocalRandom.current().nextInt(drawTotal) < weight;
  }

  /**
   * 1 when the cookie {@code name} is {@code always}, -1 when {@code never}, else 0; the first
   * cookie of that name counts, as nginx's {@code $cookie_name}. Scans without allocating.
   */
  static int cookieVerdict(String cookies, String name) {
    long found = CookieHeader.find(cookies, name, true);
    if (found == CookieHeader.ABSENT) {
      return 0;
    }
    int start = CookieHeader.start(found);
    int len = CookieHeader.end(found) - start;
    if (len == ALWAYS.length() && cookies.regionMatches(start, ALWAYS, 0, len)) {
      return 1;
    }
    if (len == NEVER.length() && cookies.regionMatches(start, NEVER, 0, len)) {
      return -1;
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Canary c && backend.equals(c.backend) && Objects.equals(header, c.header)
        && Objects.equals(headerValue, c.headerValue)
        && Objects.equals(headerPattern, c.headerPattern) && Objects.equals(cookie, c.cookie)
        && weight == c.weight && weightTotal == c.weightTotal;
  }

  @Override
  public int hashCode() {
    return Objects.hash(backend, header, headerValue, headerPattern, cookie, weight, weightTotal);
  }

  @Override
  public String toString() {
    return "Canary[backend=" + backend.id() + ", header=" + header + ", headerValue=" + headerValue
        + ", headerPattern=" + headerPattern + ", cookie=" + cookie + ", weight=" + weight + "/"
        + weightTotal + "]";
  }
}
