package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.Satisfy;

/**
 * ingress-nginx's {@code satisfy}: {@code any} lets a client of the Ingress's allow-list in
 * without credentials and asks every other client to authenticate ({@link Satisfy}); {@code all},
 * the default, asks both. Any other value is refused (ingress-nginx ignores it, which is {@code
 * all} too).
 */
final class SatisfyAnnotation implements FeatureAnnotation {

  @Override
  public String key() {
    return RedirectAnnotations.PREFIX + "satisfy";
  }

  @Override
  public RouteFeature parse(String value) {
    return Satisfy.parse(value);
  }
}
