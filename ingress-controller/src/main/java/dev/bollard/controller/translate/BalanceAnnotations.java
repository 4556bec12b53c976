package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.LoadBalancing;
import dev.bollard.proxy.step.UpstreamHashBy;

/**
 * ingress-nginx's balancing annotations, each instead of the ConfigMap key of the same name on the
 * Ingress's routes:
 *
 * <ul>
 *   <li>{@code load-balance}: {@code round_robin}, {@code ewma} or {@code least_conn} ({@link
 *       LoadBalancing});
 *   <li>{@code upstream-hash-by}: nginx variables making the key of consistent hashing, such as
 *       {@code $request_uri} or {@code $host$http_x_user} ({@link UpstreamHashBy}); an unknown
 *       variable is refused naming it.
 * </ul>
 */
final class BalanceAnnotations {

  private BalanceAnnotations() {}

  static final FeatureAnnotation LOAD_BALANCE = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/load-balance";
    }

    @Override
    public RouteFeature parse(String value) {
      return LoadBalancing.parse(value);
    }
  };

  static final FeatureAnnotation HASH_BY = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/upstream-hash-by";
    }

    @Override
    public RouteFeature parse(String value) {
      return UpstreamHashBy.parse(value);
    }
  };
}
