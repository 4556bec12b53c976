package dev.bollard.controller.translate;

import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.Canary;
import dev.bollard.proxy.step.SessionCookie;
import dev.bollard.proxy.step.SessionCookie.SameSite;
import dev.bollard.proxy.step.StickySession;
import dev.bollard.proxy.step.StickySession.CanaryBehavior;
import dev.bollard.proxy.step.StickySession.Mode;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's session affinity annotations, read together: {@code affinity: cookie} gives each
 * route of the Ingress a {@link StickySession} step, which the other keys shape:
 *
 * <ul>
 *   <li>{@code affinity-mode}: {@code balanced} (default) or {@code persistent};
 *   <li>{@code affinity-canary-behavior}: {@code sticky} (default) or {@code legacy}, read on the
 *       main Ingress (ingress-nginx's code reads it on the canary Ingress; a canary Ingress's
 *       other annotations are problems here, so it says where to move it);
 *   <li>{@code session-cookie-name} (default {@code INGRESSCOOKIE}), {@code -path} (default: the
 *       route's path as written; a regex path needs it, as ingress-nginx documents, else a
 *       problem), {@code -domain}, {@code -samesite} ({@code None}, {@code Lax}, {@code Strict},
 *       any case), {@code -conditional-samesite-none}, {@code -secure}, {@code -expires} and
 *       {@code -max-age} (whole seconds), {@code -change-on-failure}.
 * </ul>
 *
 * <p>A bad value is a {@link Problem} naming the Ingress, the annotation and the value; that
 * annotation is not applied (its default holds) and the rest of the Ingress is served. A bad
 * {@code affinity} value means no affinity. The other keys without {@code affinity: cookie} are
 * problems too (ingress-nginx ignores them silently).
 */
final class AffinityAnnotations {

  static final String AFFINITY = IngressNginx.PREFIX + "affinity";
  static final String MODE = IngressNginx.PREFIX + "affinity-mode";
  static final String CANARY_BEHAVIOR = IngressNginx.PREFIX + "affinity-canary-behavior";
  static final String NAME = IngressNginx.PREFIX + "session-cookie-name";
  static final String PATH = IngressNginx.PREFIX + "session-cookie-path";
  static final String DOMAIN = IngressNginx.PREFIX + "session-cookie-domain";
  static final String SAMESITE = IngressNginx.PREFIX + "session-cookie-samesite";
  static final String CONDITIONAL_SAMESITE_NONE =
      IngressNginx.PREFIX + "session-cookie-conditional-samesite-none";
  static final String SECURE = IngressNginx.PREFIX + "session-cookie-secure";
  static final String EXPIRES = IngressNginx.PREFIX + "session-cookie-expires";
  static final String MAX_AGE = IngressNginx.PREFIX + "session-cookie-max-age";
  static final String CHANGE_ON_FAILURE = IngressNginx.PREFIX + "session-cookie-change-on-failure";

  private static final List<String> COMPANIONS = List.of(MODE, CANARY_BEHAVIOR, NAME, PATH, DOMAIN,
      SAMESITE, CONDITIONAL_SAMESITE_NONE, SECURE, EXPIRES, MAX_AGE, CHANGE_ON_FAILURE);

  /** An HTTP token: what a cookie name may be. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** A cookie path: absolute, printable ASCII without the separators of a Set-Cookie header. */
  private static final Pattern COOKIE_PATH = Pattern.compile("/[\\x21-\\x2b\\x2d-\\x3a\\x3c-\\x7e]*");
  private static final Pattern DOMAIN_NAME = Pattern.compile(
      "\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  /** ingress-nginx's expires and max-age: 0 or a whole number without leading zeros. */
  private static final Pattern SECONDS = Pattern.compile("0|-?[1-9][0-9]{0,17}");
  /** A regex path that is also a plain path: a browser compares the cookie path literally. */
  private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9/_~%-]*");

  /** One Ingress's affinity, before the route's path and backends. */
  private record Affinity(Mode mode, SessionCookie cookie, boolean pathSet,
      boolean changeOnFailure, CanaryBehavior canaryBehavior) {}

  private final Map<RouteSource, Ingress> ingresses;
  private final List<Problem> problems;
  private final Map<RouteSource, Optional<Affinity>> bySource = new HashMap<>();
  private final Set<List<String>> regexReported = new HashSet<>();

  /**
   * @param ingresses the Ingresses whose routes will be given their step, by source
   * @param problems where bad values are reported
   */
  AffinityAnnotations(Map<RouteSource, Ingress> ingresses, List<Problem> problems) {
    this.ingresses = ingresses;
    this.problems = problems;
  }

  /**
   * The route with its {@link StickySession} step when its Ingress asks for cookie affinity;
   * after any canary was merged onto it, so that the step knows the canary's backend.
   */
  Route apply(Route route) {
    Optional<Affinity> parsed = bySource.computeIfAbsent(route.source(), this::parse);
    if (parsed.isEmpty()) {
      return route;
    }
    Affinity a = parsed.get();
    SessionCookie cookie = a.cookie();
    if (!a.pathSet()) {
      String path = route.path().path();
      cookie = cookie.withPath(path);
      if (route.path() instanceof PathMatch.Regex && !PLAIN_PATH.matcher(path).matches()
          && regexReported.add(List.of(route.source().toString(), path))) {
        problems.add(new Problem(route.source(), "metadata.annotations[" + PATH + "]",
            "missing: path " + FeatureAnnotations.quote(path) + " is a regular expression"
                + " (use-regex or rewrite-target), and ingress-nginx requires"
                + " session-cookie-path then; the cookie's Path is the expression as written,"
                + " which browsers compare literally, so sessions may not stick. Set " + PATH
                + " to the path prefix the cookie is for, such as \"/\"."));
      }
    }
    Backend canary = null;
    for (RouteFeature feature : route.features()) {
      if (feature instanceof Canary c) {
        canary = c.backend();
      }
    }
    return route.withFeatures(List.of(new StickySession(a.mode(), cookie, a.changeOnFailure(),
        route.backend(), canary, a.canaryBehavior())));
  }

  private Optional<Affinity> parse(RouteSource source) {
    Ingress ingress = ingresses.get(source);
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty() : parse(source, annotations, problems);
  }

  /** The affinity {@code annotations} ask for, if any; each bad value is a problem. */
  static Optional<Affinity> parse(RouteSource source, Map<String, String> annotations,
      List<Problem> problems) {
    String type = annotations.get(AFFINITY);
    boolean cookie = false;
    if (type != null && !type.isBlank()) {
      if (type.strip().equals("cookie")) {
        cookie = true;
      } else {
        problems.add(FeatureAnnotations.refused(source, AFFINITY, type,
            "expected cookie (the only affinity ingress-nginx has); no session affinity"));
      }
    }
    if (!cookie) {
      if (type == null || type.isBlank()) {
        for (String key : COMPANIONS) {
          if (annotations.containsKey(key)) {
            problems.add(new Problem(source, "metadata.annotations[" + key + "]",
                "ignored: it needs " + AFFINITY + ": cookie on the same Ingress."));
          }
        }
      }
      return Optional.empty();
    }
    Parser p = new Parser(source, annotations, problems);
    Mode mode = p.option(MODE, Mode.BALANCED, Map.of("balanced", Mode.BALANCED, "persistent",
        Mode.PERSISTENT));
    CanaryBehavior behavior = p.option(CANARY_BEHAVIOR, CanaryBehavior.STICKY,
        Map.of("sticky", CanaryBehavior.STICKY, "legacy", CanaryBehavior.LEGACY));
    String name = p.matching(NAME, TOKEN, "a cookie name (an HTTP token) such as route");
    String path = p.matching(PATH, COOKIE_PATH,
        "an absolute path without blanks, commas or semicolons, such as /");
    String domain = p.matching(DOMAIN, DOMAIN_NAME, "a domain name such as example.com");
    SameSite sameSite = p.sameSite();
    SessionCookie sessionCookie = new SessionCookie(
        name == null ? SessionCookie.DEFAULT_NAME : name, path == null ? "/" : path, domain,
        sameSite, p.bool(CONDITIONAL_SAMESITE_NONE), p.bool(SECURE), p.seconds(EXPIRES),
        p.seconds(MAX_AGE));
    return Optional.of(new Affinity(mode, sessionCookie, path != null,
        p.bool(CHANGE_ON_FAILURE), behavior));
  }

  /** Reads one Ingress's values; a bad one is a problem and reads as absent. */
  private record Parser(RouteSource source, Map<String, String> annotations,
      List<Problem> problems) {

    private @Nullable String value(String key) {
      String v = annotations.get(key);
      return v == null || v.isBlank() ? null : v;
    }

    private void refuse(String key, String value, String expected) {
      problems.add(FeatureAnnotations.refused(source, key, value, "expected " + expected));
    }

    <T> T option(String key, T otherwise, Map<String, T> options) {
      String v = value(key);
      if (v == null) {
        return otherwise;
      }
      T chosen = options.get(v.strip());
      if (chosen == null) {
        refuse(key, v, String.join(" or ", new java.util.TreeSet<>(options.keySet())));
        return otherwise;
      }
      return chosen;
    }

    @Nullable String matching(String key, Pattern pattern, String expected) {
      String v = value(key);
      if (v == null) {
        return null;
      }
      if (!pattern.matcher(v.strip()).matches()) {
        refuse(key, v, expected);
        return null;
      }
      return v.strip();
    }

    @Nullable SameSite sameSite() {
      String v = value(SAMESITE);
      if (v == null) {
        return null;
      }
      try {
        return SameSite.valueOf(v.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        refuse(SAMESITE, v, "None, Lax or Strict");
        return null;
      }
    }

    boolean bool(String key) {
      String v = value(key);
      if (v == null) {
        return false;
      }
      try {
        return AnnotationValues.bool(v);
      } catch (IllegalArgumentException e) {
        refuse(key, v, "true or false");
        return false;
      }
    }

    @Nullable Long seconds(String key) {
      String v = value(key);
      if (v == null) {
        return null;
      }
      if (!SECONDS.matcher(v.strip()).matches()) {
        refuse(key, v, "whole seconds such as 3600, without a unit");
        return null;
      }
      return Long.parseLong(v.strip());
    }
  }
}
