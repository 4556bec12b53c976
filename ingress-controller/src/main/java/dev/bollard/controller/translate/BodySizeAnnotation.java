package dev.bollard.controller.translate;

import dev.bollard.controller.settings.ValueParsers;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.BodySizeLimit;

/**
 * {@code nginx.ingress.kubernetes.io/proxy-body-size}: the largest request body of the Ingress's
 * routes (then 413), instead of the global {@code proxy-body-size} key; nginx's size syntax, the
 * key's parser ({@code 8m}, {@code 512k}, {@code 1g}; {@code 0} for no limit).
 */
final class BodySizeAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/proxy-body-size";

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    // ingress-nginx removes spaces before it checks a size.
    return new BodySizeLimit(ValueParsers.size(value.replace(" ", "")));
  }
}
