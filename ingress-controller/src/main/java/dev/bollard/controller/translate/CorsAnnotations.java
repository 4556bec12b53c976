package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.Cors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ingress-nginx's CORS annotations, read together: {@code enable-cors} turns on a {@link Cors}
 * step made of {@code cors-allow-origin} (default {@code *}), {@code cors-allow-methods}, {@code
 * cors-allow-headers}, {@code cors-expose-headers}, {@code cors-allow-credentials} (default true)
 * and {@code cors-max-age} (default 1728000).
 *
 * <p>As in ingress-nginx, a bad value falls back to the annotation's default; Bollard reports it.
 * Bollard differs where ingress-nginx is unsafe, each difference reported: an origin that is not
 * {@code http(s)://host[:port]} (host possibly {@code *.}) is left out (ingress-nginx logs it),
 * and when no origin is left CORS is not applied (ingress-nginx's empty list would match every
 * origin); {@code cors-allow-credentials: "true"} beside {@code *} is ignored (browsers refuse
 * credentials with {@code *}; ingress-nginx sends both). The other CORS annotations without
 * {@code enable-cors: "true"} are reported as ignored.
 */
final class CorsAnnotations {

  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String ENABLE = PREFIX + "enable-cors";
  static final String ORIGIN = PREFIX + "cors-allow-origin";
  static final String METHODS = PREFIX + "cors-allow-methods";
  static final String HEADERS = PREFIX + "cors-allow-headers";
  static final String EXPOSE = PREFIX + "cors-expose-headers";
  static final String CREDENTIALS = PREFIX + "cors-allow-credentials";
  static final String MAX_AGE = PREFIX + "cors-max-age";
  private static final List<String> COMPANIONS =
      List.of(ORIGIN, METHODS, HEADERS, EXPOSE, CREDENTIALS, MAX_AGE);

  /** One origin as ingress-nginx accepts it: scheme, host (maybe {@code *.}), maybe a port. */
  private static final Pattern ORIGIN_ENTRY =
      Pattern.compile("https?://(\\*\\.)?[a-z0-9-]+(\\.[a-z0-9-]+)*(:[0-9]{1,5})?");

  private CorsAnnotations() {}

  /** The CORS step the annotations ask for, if any; what is wrong goes to {@code problems}. */
  static Optional<Cors> parse(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    String enable = annotations.get(ENABLE);
    boolean enabled = false;
    if (enable != null) {
      try {
        enabled = AnnotationValues.bool(enable);
      } catch (IllegalArgumentException e) {
        problems.add(FeatureAnnotations.refused(source, ENABLE, enable,
            e.getMessage() + "; CORS is not enabled, as in ingress-nginx"));
      }
    }
    if (!enabled) {
      for (String key : COMPANIONS) {
        if (annotations.containsKey(key)) {
          problems.add(new Problem(source, field(key), "ignored: enable-cors is not \"true\"."
              + " Set enable-cors: \"true\" or remove it."));
        }
      }
      return Optional.empty();
    }
    List<String> origins = origins(source, annotations.get(ORIGIN), problems);
    if (origins.isEmpty()) {
      return Optional.empty();
    }
    String methods = list(source, annotations, METHODS, Cors.DEFAULT_METHODS, false, problems);
    String headers = list(source, annotations, HEADERS, Cors.DEFAULT_HEADERS, false, problems);
    String expose = list(source, annotations, EXPOSE, "", true, problems);
    boolean credentials = true;
    String writtenCredentials = annotations.get(CREDENTIALS);
    if (writtenCredentials != null) {
      boolean asked = false;
      try {
        credentials = AnnotationValues.bool(writtenCredentials);
        asked = credentials;
      } catch (IllegalArgumentException e) {
        problems.add(FeatureAnnotations.refused(source, CREDENTIALS, writtenCredentials,
            e.getMessage() + "; the default true is used, as in ingress-nginx"));
      }
      if (asked && origins.contains("*")) {
        problems.add(new Problem(source, field(CREDENTIALS), "ignored: credentials cannot be"
            + " allowed for every origin (*), browsers refuse it (ingress-nginx sends both)."
            + " List the origins in cors-allow-origin, or remove cors-allow-credentials."));
      }
    }
    long maxAge = Cors.DEFAULT_MAX_AGE;
    String writtenMaxAge = annotations.get(MAX_AGE);
    if (writtenMaxAge != null) {
      try {
        maxAge = AnnotationValues.count(writtenMaxAge, Integer.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        problems.add(FeatureAnnotations.refused(source, MAX_AGE, writtenMaxAge,
            "expected a whole number of seconds; the default 1728000 is used"));
      }
    }
    return Optional.of(new Cors(origins, methods, headers, expose, credentials, maxAge));
  }

  /**
   * The listed origins, lower case; {@code ["*"]} when absent, empty or listing {@code *} (as in
   * ingress-nginx); each refused entry is a problem; empty when none is left.
   */
  private static List<String> origins(RouteSource source, String written, List<Problem> problems) {
    if (written == null || written.isBlank()) {
      return List.of("*");
    }
    List<String> origins = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String entry : written.split(",", -1)) {
      String origin = entry.strip().toLowerCase(Locale.ROOT);
      if (origin.equals("*")) {
        return List.of("*");
      }
      if (ORIGIN_ENTRY.matcher(origin).matches()) {
        origins.add(origin);
      } else {
        refused.add(entry.strip());
      }
    }
    if (!refused.isEmpty()) {
      String which = String.join(", ", refused.stream().map(FeatureAnnotations::quote).toList());
      problems.add(new Problem(source, field(ORIGIN), "value " + FeatureAnnotations.quote(written)
          + ": origin " + which + " refused (expected * or http(s)://host[:port], the host"
          + " possibly starting with *.); " + (origins.isEmpty()
              ? "no origin is left, so CORS is not applied (ingress-nginx would allow every origin)"
              : "the other origins are allowed") + ". Fix its value."));
    }
    return List.copyOf(origins);
  }

  /**
   * A header or method list as written (stripped): names of letters (methods) or of letters,
   * digits, {@code -} and {@code _} (headers; {@code *} too where {@code star}), separated by
   * commas and spaces; the default when absent or refused.
   */
  private static String list(RouteSource source, Map<String, String> annotations, String key,
      String fallback, boolean star, List<Problem> problems) {
    String written = annotations.get(key);
    if (written == null || written.isBlank()) {
      return fallback;
    }
    boolean methods = key.equals(METHODS);
    String value = written.strip();
    boolean valid = true;
    for (int i = 0; i < value.length() && valid; i++) {
      char c = value.charAt(i);
      valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ',' || c == ' '
          || !methods && (c >= '0' && c <= '9' || c == '-' || c == '_' || star && c == '*');
    }
    if (!valid || value.replace(",", "").isBlank()) {
      problems.add(FeatureAnnotations.refused(source, key, written, "expected "
          + (methods ? "method names" : "header names") + " separated by commas; "
          + (fallback.isEmpty() ? "none is sent" : "the default " + fallback + " is used")
          + ", as in ingress-nginx"));
      return fallback;
    }
    return value;
  }

  private static String field(String key) {
    return "metadata.annotations[" + key + "]";
  }
}
