package dev.bollard.controller.translate;

/**
 * Placeholder: being written. Something wrong with one resource.
 *
 * @param resource e.g. {@code Ingress shop/web} or a file name
 * @param field e.g. {@code spec.rules[0].http.paths[1].backend.service.port}
 * @param message what is wrong and what to do
 */
public record Problem(String resource, String field, String message) {
  @Override
  public String toString() {
    return resource + ": " + field + ": " + message;
  }
}
