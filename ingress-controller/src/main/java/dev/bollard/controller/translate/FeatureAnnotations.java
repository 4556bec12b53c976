package dev.bollard.controller.translate;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the annotations of {@link #ALL} into the features of each Ingress's routes, once per
 * Ingress and rebuild. A bad value is a {@link Problem} naming the Ingress, the annotation and the
 * value; that annotation is not applied and the rest of the Ingress is served.
 *
 * <p>Adding an annotation that becomes a route step: a {@link FeatureAnnotation} here, listed in
 * {@link #ALL}, and its step class in {@code dev.bollard.proxy.step}. Nothing else changes.
 */
final class FeatureAnnotations {

  /** Every annotation that becomes a route step, in the order their steps are listed. */
  static final List<FeatureAnnotation> ALL =
      List.of(new ForwardedPrefixAnnotation(), new RequestBufferingAnnotation(),
          new BodyBufferSizeAnnotation());

  private final List<Problem> problems;
  private final Map<RouteSource, Ingress> ingresses;
  private final Map<RouteSource, List<RouteFeature>> bySource = new HashMap<>();

  /**
   * @param ingresses the Ingresses whose routes will be given their features, by source
   * @param problems where bad values are reported
   */
  FeatureAnnotations(Map<RouteSource, Ingress> ingresses, List<Problem> problems) {
    this.ingresses = ingresses;
    this.problems = problems;
  }

  /** The route with the features its Ingress's annotations ask for. */
  Route apply(Route route) {
    return route.withFeatures(bySource.computeIfAbsent(route.source(), this::parse));
  }

  private List<RouteFeature> parse(RouteSource source) {
    Ingress ingress = ingresses.get(source);
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return List.of();
    }
    List<RouteFeature> features = new ArrayList<>();
    for (FeatureAnnotation annotation : ALL) {
      String value = annotations.get(annotation.key());
      if (value == null) {
        continue;
      }
      try {
        features.add(annotation.parse(value));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(source, "metadata.annotations[" + annotation.key() + "]",
            "value " + quote(value) + " refused: " + e.getMessage()
                + "; the annotation is not applied. Fix its value."));
      }
    }
    return List.copyOf(features);
  }

  /** The value in double quotes, control characters escaped, so a problem line stays one line. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
