package dev.bollard.controller.translate;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.ClientRanges;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ingress-nginx's client address annotations: {@code allowlist-source-range} (or its older name
 * {@code whitelist-source-range}; when both are set the newer name wins, as ingress-nginx reads the
 * alias only when the main key is absent) and {@code denylist-source-range}, comma-separated
 * addresses and CIDRs, IPv4 and IPv6. Each becomes a {@link ClientRanges} step (403); a list of the
 * Ingress replaces the global one of its kind on its routes.
 *
 * <p>A bad value fails closed, as ingress-nginx's "location denied" does: a broken allow-list left
 * out would open the route to every client. The Ingress's routes answer 503 ({@link
 * UpstreamRefused}) and a {@link Problem} names the annotation, the value and the bad entry.
 * Stricter than ingress-nginx, which keeps an allow-list whose later entries are bad; Bollard
 * refuses any bad entry.
 */
final class SourceRangeAnnotations {

  static final String ALLOW = RedirectAnnotations.PREFIX + "allowlist-source-range";
  static final String WHITELIST = RedirectAnnotations.PREFIX + "whitelist-source-range";
  static final String DENY = RedirectAnnotations.PREFIX + "denylist-source-range";

  private SourceRangeAnnotations() {}

  /** The steps of the Ingress's address annotations; bad values are reported to {@code problems}. */
  static List<RouteFeature> parse(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    List<RouteFeature> features = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    String allowKey = annotations.containsKey(ALLOW) ? ALLOW : WHITELIST;
    if (annotations.containsKey(ALLOW) && annotations.containsKey(WHITELIST)) {
      problems.add(new Problem(source, "metadata.annotations[" + WHITELIST + "]",
          "ignored: " + ALLOW + " is set too and wins (as in ingress-nginx). Remove one of them."));
    }
    read(source, annotations, allowKey, ClientRanges.Kind.ALLOW, features, broken, problems);
    read(source, annotations, DENY, ClientRanges.Kind.DENY, features, broken, problems);
    if (!broken.isEmpty()) {
      return List.of(new UpstreamRefused("bad client address rules in " + String.join(", ", broken)
          + " of Ingress " + source));
    }
    return features;
  }

  private static void read(RouteSource source, Map<String, String> annotations, String key,
      ClientRanges.Kind kind, List<RouteFeature> features, List<String> broken,
      List<Problem> problems) {
    String value = annotations.get(key);
    if (value == null) {
      return;
    }
    try {
      features.add(new ClientRanges(kind, CidrSet.parse(Arrays.asList(value.split(",")))));
    } catch (IllegalArgumentException e) {
      broken.add(key.substring(RedirectAnnotations.PREFIX.length()));
      problems.add(new Problem(source, "metadata.annotations[" + key + "]",
          "value " + FeatureAnnotations.quote(value) + " refused: " + e.getMessage()
              + "; the Ingress's routes answer 503 until it is fixed (failing closed: an address"
              + " rule left out would let every client in). Fix its value."));
    }
  }
}
