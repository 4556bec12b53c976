package dev.bollard.controller.translate;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.RateLimit;
import dev.bollard.proxy.step.ResponseRateLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's per-client limits, read together: {@code limit-rps}, {@code limit-rpm}, {@code
 * limit-connections} (whole numbers, {@code 0} for none), {@code limit-burst-multiplier} (the
 * burst of each rate is the rate times it, default 5) and {@code limit-allowlist} or its older
 * name {@code limit-whitelist} (comma-separated addresses and CIDRs that no limit applies to;
 * the new name wins when both are set, as in ingress-nginx). One {@link RateLimit} for the
 * Ingress, whose routes share its counters (ingress-nginx names its zones after the Ingress).
 *
 * <p>A bad value is a problem naming the Ingress, the annotation and the value: a bad limit is
 * not applied (ingress-nginx reads it as 0), a bad multiplier is the default 5 (as in
 * ingress-nginx), a bad allowlist leaves the Ingress without limits (ingress-nginx refuses the
 * whole rate-limit configuration then).
 *
 * <p>{@code limit-rate} and {@code limit-rate-after} (the bandwidth of each response, nginx's
 * {@code limit_rate} and {@code limit_rate_after}) are read apart: kilobytes (1024 bytes), as
 * ingress-nginx writes them with nginx's {@code k}; each one the Ingress does not set, or sets to a
 * bad value (a problem), is the ConfigMap's key of the same name, as in ingress-nginx.
 */
final class LimitAnnotations {

  private static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String RPS = PREFIX + "limit-rps";
  static final String RPM = PREFIX + "limit-rpm";
  static final String CONNECTIONS = PREFIX + "limit-connections";
  static final String BURST_MULTIPLIER = PREFIX + "limit-burst-multiplier";
  static final String ALLOWLIST = PREFIX + "limit-allowlist";
  static final String WHITELIST = PREFIX + "limit-whitelist";
  static final String RATE = PREFIX + "limit-rate";
  static final String RATE_AFTER = PREFIX + "limit-rate-after";

  /** The largest {@code limit-rate} or {@code limit-rate-after} accepted, in kilobytes. */
  static final long MAX_KILOBYTES = Integer.MAX_VALUE;

  /** The largest rate or connection count accepted (a burst must fit the bucket). */
  static final int MAX = 100_000;

  private LimitAnnotations() {}

  /** The Ingress's limits, if it asks for any; problems for bad values. */
  static Optional<RateLimit> parse(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    long rps = count(source, annotations, RPS, problems);
    long rpm = count(source, annotations, RPM, problems);
    long connections = count(source, annotations, CONNECTIONS, problems);
    long multiplier = RateLimit.DEFAULT_BURST_MULTIPLIER;
    String m = annotations.get(BURST_MULTIPLIER);
    if (m != null) {
      Long parsed = number(m);
      if (parsed == null || parsed > MAX) {
        problems.add(problem(source, BURST_MULTIPLIER, m, "expected a whole number from 0 to "
            + MAX + ", such as 5 (the burst is the rate times it); the default 5 applies"
            + " instead, as in ingress-nginx. Fix its value."));
      } else {
        multiplier = parsed;
      }
    }
    String key = annotations.containsKey(ALLOWLIST) ? ALLOWLIST : WHITELIST;
    String list = annotations.get(key);
    CidrSet exempt = CidrSet.EMPTY;
    if (list != null && !list.isBlank()) {
      try {
        exempt = CidrSet.parse(split(list));
      } catch (IllegalArgumentException e) {
        problems.add(problem(source, key, list, "expected comma-separated addresses or CIDRs,"
            + " such as 10.0.0.0/8,192.168.1.7 (" + e.getMessage() + "); none of the Ingress's"
            + " limits are applied, as in ingress-nginx. Fix its value."));
        return Optional.empty();
      }
    }
    if (rps == 0 && rpm == 0 && connections == 0) {
      return Optional.empty();
    }
    long most = Integer.MAX_VALUE / 1000;
    if (rps * multiplier > most || rpm * multiplier > most) {
      problems.add(problem(source, BURST_MULTIPLIER, String.valueOf(multiplier),
          "the burst (rate times multiplier) must stay below " + most + "; none of the"
              + " Ingress's limits are applied. Lower the multiplier or the rates."));
      return Optional.empty();
    }
    return Optional.of(new RateLimit(rps, rpm, multiplier, (int) connections, exempt));
  }

  /**
   * The Ingress's response bandwidth, if it sets {@code limit-rate} or {@code limit-rate-after}
   * to a good value; problems for bad values.
   */
  static Optional<ResponseRateLimit> parseResponseRate(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    long rate = kilobytes(source, annotations, RATE, problems);
    long after = kilobytes(source, annotations, RATE_AFTER, problems);
    if (rate < 0 && after < 0) {
      return Optional.empty();
    }
    return Optional.of(new ResponseRateLimit(rate < 0 ? -1 : rate * 1024,
        after < 0 ? -1 : after * 1024));
  }

  /** The annotation's kilobytes; -1 when it is not set or its value is refused (a problem). */
  private static long kilobytes(
      RouteSource source, Map<String, String> annotations, String key, List<Problem> problems) {
    String value = annotations.get(key);
    if (value == null) {
      return -1;
    }
    String v = value.strip();
    boolean digits = !v.isEmpty() && v.length() <= 10;
    for (int i = 0; digits && i < v.length(); i++) {
      digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
    }
    if (!digits || Long.parseLong(v) > MAX_KILOBYTES) {
      problems.add(problem(source, key, value, "expected a whole number of kilobytes from 0"
          + " (no limit) to " + MAX_KILOBYTES + ", such as 256 (no unit: ingress-nginx adds"
          + " nginx's k); the ConfigMap's " + key.substring(PREFIX.length()) + " applies"
          + " instead, as in ingress-nginx. Fix its value."));
      return -1;
    }
    return Long.parseLong(v);
  }

  private static Problem problem(RouteSource source, String key, String value, String what) {
    return new Problem(source, "metadata.annotations[" + key + "]",
        "value " + FeatureAnnotations.quote(value) + " refused: " + what);
  }

  private static long count(
      RouteSource source, Map<String, String> annotations, String key, List<Problem> problems) {
    String value = annotations.get(key);
    if (value == null) {
      return 0;
    }
    Long parsed = number(value);
    if (parsed == null || parsed > MAX) {
      problems.add(FeatureAnnotations.refused(source, key, value,
          "expected a whole number from 0 (no limit) to " + MAX + ", such as 10"));
      return 0;
    }
    return parsed;
  }

  private static @Nullable Long number(String value) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > 9) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(v);
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }
}
