package dev.bollard.controller.translate;

import dev.bollard.controller.settings.ValueParsers;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.ResponseBuffering;
import dev.bollard.proxy.step.ResponseHeadLimit;

/**
 * ingress-nginx's response buffering annotations, which Bollard honours with a difference: it
 * always streams responses with backpressure and never spools them to disk.
 *
 * <ul>
 *   <li>{@code proxy-buffering}: {@code on} or {@code off}, accepted, no effect ({@link
 *       ResponseBuffering}).
 *   <li>{@code proxy-buffer-size}: an nginx size above zero, the largest upstream response head
 *       the routes accept ({@link ResponseHeadLimit}, nginx's "upstream sent too big header").
 * </ul>
 */
final class ResponseBufferingAnnotations {

  private ResponseBufferingAnnotations() {}

  /** {@code nginx.ingress.kubernetes.io/proxy-buffering}. */
  static final FeatureAnnotation BUFFERING = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/proxy-buffering";
    }

    @Override
    public RouteFeature parse(String value) {
      return new ResponseBuffering(AnnotationValues.onOff(value));
    }
  };

  /** {@code nginx.ingress.kubernetes.io/proxy-buffer-size}. */
  static final FeatureAnnotation BUFFER_SIZE = new FeatureAnnotation() {
    @Override
    public String key() {
      return "nginx.ingress.kubernetes.io/proxy-buffer-size";
    }

    @Override
    public RouteFeature parse(String value) {
      long bytes = ValueParsers.size(value.replace(" ", ""));
      if (bytes == 0) {
        throw new IllegalArgumentException("expected a size above 0 such as 4k, 8k or 16k");
      }
      return new ResponseHeadLimit((int) Math.min(bytes, Integer.MAX_VALUE));
    }
  };
}
