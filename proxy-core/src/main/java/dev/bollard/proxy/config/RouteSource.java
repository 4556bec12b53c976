package dev.bollard.proxy.config;

/**
 * Names the resource a route or backend was translated from, for logs and the access log.
 *
 * @param kind resource kind, e.g. {@code Ingress}
 * @param namespace the resource's namespace
 * @param name the resource's name
 */
public record RouteSource(String kind, String namespace, String name) {

  /** A route that came from an Ingress. */
  public static RouteSource ingress(String namespace, String name) {
    return new RouteSource("Ingress", namespace, name);
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
