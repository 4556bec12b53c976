package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.RequestBuffering;

/**
 * {@code nginx.ingress.kubernetes.io/proxy-request-buffering}: {@code on} reads each request body
 * of the Ingress's routes whole before an upstream connection is taken, {@code off} streams it as
 * it arrives (uploads a backend wants to see progress of, long-running request streams), whatever
 * the global {@code proxy-request-buffering} key says. As in ingress-nginx, only {@code on} and
 * {@code off}.
 */
final class RequestBufferingAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/proxy-request-buffering";

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    return switch (value) {
      case "on" -> new RequestBuffering(true);
      case "off" -> new RequestBuffering(false);
      default -> throw new IllegalArgumentException("expected on or off");
    };
  }
}
