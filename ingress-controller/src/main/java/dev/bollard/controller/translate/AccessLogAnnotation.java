package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.AccessLogging;

/**
 * {@code nginx.ingress.kubernetes.io/enable-access-log}: {@code "false"} writes no access-log line
 * for the requests of the Ingress's routes (health checks, chatty polling); they still count in the
 * metrics. A boolean as ingress-nginx reads one ({@code true}, {@code false}, {@code 1}, {@code
 * 0}…).
 */
final class AccessLogAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/enable-access-log";

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    return new AccessLogging(AnnotationValues.bool(value));
  }
}
