package dev.bollard.controller.translate;

/**
 * Something wrong with one resource, found while translating it.
 *
 * @param resource the resource at fault, e.g. {@code Ingress shop/web}, or a file name
 * @param field the field at fault, e.g. {@code spec.rules[0].http.paths[1].backend.service.port}
 * @param message what is wrong and what to do about it
 */
public record Problem(String resource, String field, String message) {

  @Override
  public String toString() {
    return resource + ": " + field + ": " + message;
  }
}
