package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;

/**
 * One annotation that becomes a step of every route of its Ingress: a typed parser from the
 * annotation's value to the step ({@link RouteFeature}) the data plane runs. Listed once in {@link
 * FeatureAnnotations#ALL}.
 *
 * <p>A parser is pure: it looks only at the value. A value it cannot accept throws {@link
 * IllegalArgumentException} with a message saying what was expected; the translator reports it as a
 * problem naming the Ingress, the annotation and the value, and serves the Ingress without it.
 */
interface FeatureAnnotation {

  /** The annotation's full key, such as {@code nginx.ingress.kubernetes.io/x-forwarded-prefix}. */
  String key();

  /**
   * The feature for {@code value} (as written, not stripped).
   *
   * @throws IllegalArgumentException if the value is not acceptable (the message says why)
   */
  RouteFeature parse(String value);
}
