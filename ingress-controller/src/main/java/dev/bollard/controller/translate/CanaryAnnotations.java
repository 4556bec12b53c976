package dev.bollard.controller.translate;

import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.Canary;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's canary annotations: {@code canary: "true"} makes an Ingress a canary, which never
 * serves a path of its own but adds its backend as the alternative of the main (non-canary)
 * Ingress's route with the same host and path, chosen per request by {@code canary-by-header}
 * ({@code -value}, {@code -pattern}), {@code canary-by-cookie} and {@code canary-weight} ({@code
 * canary-weight-total}). Only the canary annotations of a canary Ingress are read: the route keeps
 * the main Ingress's other annotations, as in ingress-nginx (an annotation Bollard would
 * otherwise apply is a problem saying so on a canary). A bad value is a problem and that
 * annotation is not applied; a bad {@code canary} value leaves the Ingress out altogether, so a
 * meant canary never takes the main Ingress's paths.
 */
final class CanaryAnnotations {

  static final String CANARY = IngressNginx.PREFIX + "canary";
  static final String BY_HEADER = IngressNginx.PREFIX + "canary-by-header";
  static final String BY_HEADER_VALUE = IngressNginx.PREFIX + "canary-by-header-value";
  static final String BY_HEADER_PATTERN = IngressNginx.PREFIX + "canary-by-header-pattern";
  static final String BY_COOKIE = IngressNginx.PREFIX + "canary-by-cookie";
  static final String WEIGHT = IngressNginx.PREFIX + "canary-weight";
  static final String WEIGHT_TOTAL = IngressNginx.PREFIX + "canary-weight-total";

  private static final List<String> COMPANIONS =
      List.of(BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE, WEIGHT, WEIGHT_TOTAL);
  /** An HTTP token: what a header or cookie name may be. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final int MAX_WEIGHT = 1_000_000_000;

  /** What an Ingress is to canary routing. */
  enum Kind {
    /** Not a canary: served as written. */
    MAIN,
    /** A canary: adds its backends to main routes. */
    CANARY,
    /** Its {@code canary} value is bad: not served at all. */
    BROKEN
  }

  /** A canary's per-request rule, without the backend (one per path). */
  record Rule(@Nullable String header, @Nullable String headerValue,
      @Nullable String headerPattern, @Nullable String cookie, int weight, int weightTotal) {

    Canary toStep(Backend backend) {
      return new Canary(backend, header, headerValue, headerPattern, cookie, weight, weightTotal);
    }
  }

  private CanaryAnnotations() {}

  /**
   * Whether {@code ingress} is a canary; problems for a bad {@code canary} value and for canary
   * annotations on an Ingress that is not a canary (ingress-nginx refuses those too).
   */
  static Kind kind(Ingress ingress, RouteSource source, List<Problem> problems) {
    Map<String, String> annotations = annotations(ingress);
    String value = annotations.get(CANARY);
    boolean canary = false;
    if (value != null) {
      try {
        canary = AnnotationValues.bool(value);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(source, "metadata.annotations[" + CANARY + "]",
            "value " + FeatureAnnotations.quote(value) + " refused: " + e.getMessage()
                + "; this Ingress is not served (neither as a canary nor as a main Ingress)."
                + " Fix its value."));
        return Kind.BROKEN;
      }
    }
    if (canary) {
      return Kind.CANARY;
    }
    for (String key : COMPANIONS) {
      if (annotations.containsKey(key)) {
        problems.add(new Problem(source, "metadata.annotations[" + key + "]",
            "ignored: this Ingress is not a canary (set " + CANARY + ": \"true\" to make it"
                + " one, or remove the annotation)."));
      }
    }
    return Kind.MAIN;
  }

  /** The rule of a canary Ingress; each bad value is a problem and is left out. */
  static Rule rule(Ingress ingress, RouteSource source, List<Problem> problems) {
    Map<String, String> a = annotations(ingress);
    String header = token(a, BY_HEADER, source, problems);
    String headerValue = a.get(BY_HEADER_VALUE);
    String headerPattern = a.get(BY_HEADER_PATTERN);
    if (headerPattern != null && !headerPattern.isEmpty()) {
      try {
        com.google.re2j.Pattern.compile(headerPattern);
      } catch (com.google.re2j.PatternSyntaxException e) {
        problems.add(FeatureAnnotations.refused(source, BY_HEADER_PATTERN, headerPattern,
            "not a regular expression (" + e.getDescription() + ")"));
        headerPattern = null;
      }
    }
    if (header == null && !a.containsKey(BY_HEADER)) {
      for (String key : List.of(BY_HEADER_VALUE, BY_HEADER_PATTERN)) {
        if (a.containsKey(key)) {
          problems.add(new Problem(source, "metadata.annotations[" + key + "]",
              "ignored: it needs " + BY_HEADER + " (the header it applies to)."));
        }
      }
    } else if (header != null && headerValue != null && !headerValue.isEmpty() && headerPattern != null
        && !headerPattern.isEmpty()) {
      problems.add(new Problem(source, "metadata.annotations[" + BY_HEADER_PATTERN + "]",
          "ignored: " + BY_HEADER_VALUE + " is set and wins, as in ingress-nginx; remove one."));
      headerPattern = null;
    }
    for (String key : new java.util.TreeSet<>(a.keySet())) {
      if (key.startsWith(IngressNginx.PREFIX) && !key.equals(CANARY)
          && !COMPANIONS.contains(key) && IngressNginx.ignoredMessage(key).isEmpty()) {
        problems.add(new Problem(source, "metadata.annotations[" + key + "]",
            "ignored on a canary Ingress: its requests get the main Ingress's annotations, as in"
                + " ingress-nginx. Set it on the main Ingress."));
      }
    }
    String cookie = token(a, BY_COOKIE, source, problems);
    int weight = number(a, WEIGHT, 0, 0, source, problems);
    int total = number(a, WEIGHT_TOTAL, 100, 1, source, problems);
    return new Rule(header, headerValue, headerPattern, cookie, weight, total);
  }

  private static @Nullable String token(Map<String, String> a, String key, RouteSource source,
      List<Problem> problems) {
    String value = a.get(key);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!TOKEN.matcher(value).matches()) {
      problems.add(FeatureAnnotations.refused(source, key, value,
          "expected a header or cookie name such as X-Canary"));
      return null;
    }
    return value;
  }

  private static int number(Map<String, String> a, String key, int otherwise, int min,
      RouteSource source, List<Problem> problems) {
    String value = a.get(key);
    if (value == null) {
      return otherwise;
    }
    try {
      int n = AnnotationValues.count(value, MAX_WEIGHT);
      if (n < min) {
        throw new IllegalArgumentException("expected a whole number from " + min);
      }
      return n;
    } catch (IllegalArgumentException e) {
      problems.add(FeatureAnnotations.refused(source, key, value, e.getMessage()));
      return otherwise;
    }
  }

  private static Map<String, String> annotations(Ingress ingress) {
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
