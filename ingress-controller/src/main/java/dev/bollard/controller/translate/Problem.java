package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteSource;
import org.jspecify.annotations.Nullable;

/**
 * Something wrong with one resource or file, found while reading or translating it.
 *
 * @param resource how the report names the culprit, e.g. {@code Ingress shop/web}, or a file name
 * @param field the field at fault, e.g. {@code spec.rules[0].http.paths[1].backend.service.port}
 * @param message what is wrong and what to do about it
 * @param object the Kubernetes object at fault (kind, namespace, name), for a Kubernetes Event on
 *     it; {@code null} when the culprit is a file
 */
public record Problem(
    String resource, String field, String message, @Nullable RouteSource object) {

  /** A problem with a file or document, which has no Kubernetes object to attach an Event to. */
  public Problem(String resource, String field, String message) {
    this(resource, field, message, null);
  }

  /** A problem with a Kubernetes object; {@link #resource()} is {@code Kind namespace/name}. */
  public Problem(RouteSource object, String field, String message) {
    this(object.toString(), field, message, object);
  }

  @Override
  public String toString() {
    return resource + ": " + field + ": " + message;
  }
}
