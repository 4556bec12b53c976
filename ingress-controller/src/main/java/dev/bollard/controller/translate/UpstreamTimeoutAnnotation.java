package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.UpstreamTimeout;

/**
 * {@code nginx.ingress.kubernetes.io/proxy-connect-timeout}, {@code proxy-read-timeout} and {@code
 * proxy-send-timeout}: one upstream timeout of the Ingress's routes, in whole seconds as
 * ingress-nginx reads them, instead of the global key's. {@code 0} is refused: nginx would time
 * every try out at once.
 */
final class UpstreamTimeoutAnnotation implements FeatureAnnotation {

  static final UpstreamTimeoutAnnotation CONNECT = new UpstreamTimeoutAnnotation(
      "nginx.ingress.kubernetes.io/proxy-connect-timeout", UpstreamTimeout.Kind.CONNECT);
  static final UpstreamTimeoutAnnotation READ = new UpstreamTimeoutAnnotation(
      "nginx.ingress.kubernetes.io/proxy-read-timeout", UpstreamTimeout.Kind.READ);
  static final UpstreamTimeoutAnnotation SEND = new UpstreamTimeoutAnnotation(
      "nginx.ingress.kubernetes.io/proxy-send-timeout", UpstreamTimeout.Kind.SEND);

  private final String key;
  private final UpstreamTimeout.Kind kind;

  private UpstreamTimeoutAnnotation(String key, UpstreamTimeout.Kind kind) {
    this.key = key;
    this.kind = kind;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public RouteFeature parse(String value) {
    return new UpstreamTimeout(kind, AnnotationValues.seconds(value, false));
  }
}
