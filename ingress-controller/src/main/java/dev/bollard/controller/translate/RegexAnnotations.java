package dev.bollard.controller.translate;

import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.RewriteTarget;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's {@code use-regex} and {@code rewrite-target}, which change how an Ingress's paths
 * match and, for the second, the target sent upstream.
 *
 * <ul>
 *   <li>A path is a regular expression ({@link PathMatch.Regex}, whatever its {@code pathType})
 *       when its Ingress sets {@code use-regex: "true"}, or sets a {@code rewrite-target} different
 *       from that path: as ingress-nginx's {@code needsRewrite} and {@code enforceRegexModifier},
 *       a rewrite implies a regex location. One regex path puts its whole host in regex mode,
 *       also the paths of other Ingresses (see {@code RouteTable}).
 *   <li>A path that RE2 cannot compile (a back-reference, look-around…) is a problem naming the
 *       path and the annotation; that path is skipped, the rest of the Ingress is served.
 *   <li>Each regex path of an Ingress with a {@code rewrite-target} gets a {@link RewriteTarget}
 *       step built from that path and the target.
 *   <li>Like ingress-nginx with {@code strict-validate-path-type: false}, any {@code pathType}
 *       may hold a regex (with the default {@code true}, ingress-nginx refuses regex characters in
 *       {@code Exact} and {@code Prefix} paths): a path never becomes configuration text here, so
 *       the check that stops injection in nginx has nothing to stop.
 * </ul>
 *
 * <p>A bad value is a problem naming the Ingress, the annotation and the value; that annotation is
 * not applied.
 */
final class RegexAnnotations {

  static final String USE_REGEX = "nginx.ingress.kubernetes.io/use-regex";
  static final String REWRITE_TARGET = "nginx.ingress.kubernetes.io/rewrite-target";

  /** What Go's {@code strconv.ParseBool}, which ingress-nginx uses, reads as true and false. */
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

  private final List<Problem> problems;
  private final Map<RouteSource, Parsed> bySource = new HashMap<>();

  /** @param problems where bad values and unreadable paths are reported */
  RegexAnnotations(List<Problem> problems) {
    this.problems = problems;
  }

  /** The two annotations of one Ingress, as applied. */
  private record Parsed(boolean useRegex, @Nullable String target) {
    static final Parsed NONE = new Parsed(false, null);

    /** Whether {@code path} is a regex location, as ingress-nginx decides it. */
    boolean isRegex(String path) {
      return useRegex || (target != null && !target.equals(path));
    }

    /** The annotation that made {@code path} a regex, for problems. */
    String cause() {
      return useRegex ? USE_REGEX : REWRITE_TARGET;
    }
  }

  /**
   * The Ingress with its regex paths turned into {@link PathMatch.Regex}; a path RE2 cannot compile
   * is left out, with a problem.
   */
  CheckedIngress paths(CheckedIngress checked, Ingress ingress) {
    Parsed parsed = parsed(checked.source(), ingress);
    if (!parsed.useRegex && parsed.target == null) {
      return checked;
    }
    List<PathRule> paths = new ArrayList<>();
    for (PathRule rule : checked.paths()) {
      String path = rule.match().path();
      if (!parsed.isRegex(path)) {
        paths.add(rule);
        continue;
      }
      try {
        paths.add(new PathRule(rule.hostPattern(), new PathMatch.Regex(path), rule.backend(),
            rule.field()));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(checked.source(), rule.field() + ".path",
            FeatureAnnotations.quote(path) + " is a regular expression here (annotation "
                + parsed.cause() + ") but " + e.getMessage() + "; this path is skipped."
                + " Write it in RE2 syntax."));
      }
    }
    return new CheckedIngress(checked.source(), checked.created(), checked.defaultBackend(), paths,
        checked.hosts());
  }

  /** The route with its {@link RewriteTarget} step when its Ingress rewrites its path. */
  Route apply(Route route) {
    Parsed parsed = bySource.getOrDefault(route.source(), Parsed.NONE);
    if (parsed.target == null || !(route.path() instanceof PathMatch.Regex regex)
        || parsed.target.equals(regex.path())) {
      return route;
    }
    return route.withFeatures(List.of(new RewriteTarget(regex.path(), parsed.target)));
  }

  private Parsed parsed(RouteSource source, Ingress ingress) {
    Parsed known = bySource.get(source);
    if (known != null) {
      return known;
    }
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    Parsed parsed = Parsed.NONE;
    if (annotations != null) {
      parsed = new Parsed(useRegex(source, annotations.get(USE_REGEX)),
          target(source, annotations.get(REWRITE_TARGET)));
    }
    bySource.put(source, parsed);
    return parsed;
  }

  private boolean useRegex(RouteSource source, @Nullable String value) {
    if (value == null || FALSE.contains(value)) {
      return false;
    }
    if (TRUE.contains(value)) {
      return true;
    }
    refuse(source, USE_REGEX, value, "expected true or false");
    return false;
  }

  private @Nullable String target(RouteSource source, @Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      RewriteTarget.check(value);
      return value;
    } catch (IllegalArgumentException e) {
      refuse(source, REWRITE_TARGET, value, e.getMessage());
      return null;
    }
  }

  private void refuse(RouteSource source, String key, String value, String why) {
    problems.add(new Problem(source, "metadata.annotations[" + key + "]",
        "value " + FeatureAnnotations.quote(value) + " refused: " + why
            + "; the annotation is not applied. Fix its value."));
  }
}
