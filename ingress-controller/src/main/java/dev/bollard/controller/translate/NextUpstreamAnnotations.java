package dev.bollard.controller.translate;

import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.NextUpstreamRule;

/**
 * ingress-nginx's retry annotations, each one part of the Ingress's {@link NextUpstream} rules
 * instead of the global key of the same name:
 *
 * <ul>
 *   <li>{@code proxy-next-upstream}: conditions separated by spaces ({@code error timeout
 *       http_503}; {@code off} turns retries off);
 *   <li>{@code proxy-next-upstream-tries}: endpoints one request may try in all, {@code 0} for
 *       each endpoint once;
 *   <li>{@code proxy-next-upstream-timeout}: whole seconds after the first try during which a next
 *       one may start, {@code 0} for no limit.
 * </ul>
 */
final class NextUpstreamAnnotations {

  private NextUpstreamAnnotations() {}

  /** Most tries accepted: more than any backend has endpoints. */
  static final int MAX_TRIES = 10_000;

  static final FeatureAnnotation CONDITIONS = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/proxy-next-upstream";
    }

    @Override
    public RouteFeature parse(String value) {
      return new NextUpstreamRule.Conditions(NextUpstream.parseConditions(value));
    }
  };

  static final FeatureAnnotation TRIES = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/proxy-next-upstream-tries";
    }

    @Override
    public RouteFeature parse(String value) {
      return new NextUpstreamRule.Tries(AnnotationValues.count(value, MAX_TRIES));
    }
  };

  static final FeatureAnnotation TIMEOUT = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout";
    }

    @Override
    public RouteFeature parse(String value) {
      return new NextUpstreamRule.Timeout(AnnotationValues.seconds(value, true));
    }
  };
}
