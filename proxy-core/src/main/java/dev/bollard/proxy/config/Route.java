package dev.bollard.proxy.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One path rule of a virtual host: requests whose path matches go to the backend.
 *
 * @param path how the request path is matched
 * @param backend where matching requests go
 * @param source the Ingress rule this route came from (for logs and the access log)
 * @param auth the Basic-auth guard of the Ingress (its annotations), or {@code null} for none; a
 *     route without one may still be guarded by the global host patterns ({@link AuthSettings})
 * @param edge what the Ingress adds to the global edge settings: upstream headers captured into
 *     the access log, header rules (annotations)
 * @param features the other behaviours its Ingress's annotations ask for, each run as a step of
 *     the route's chain (see {@link RouteFeature}), in the order the translator parsed them
 */
public record Route(
    PathMatch path,
    Backend backend,
    RouteSource source,
    @Nullable BasicAuthPolicy auth,
    RouteEdge edge,
    List<RouteFeature> features) {

  public Route {
    features = List.copyOf(features);
  }

  /** A route without further features. */
  public Route(PathMatch path, Backend backend, RouteSource source, @Nullable BasicAuthPolicy auth,
      RouteEdge edge) {
    this(path, backend, source, auth, edge, List.of());
  }

  /** A route with the edge settings of its Ingress left at {@link RouteEdge#NONE}. */
  public Route(PathMatch path, Backend backend, RouteSource source, @Nullable BasicAuthPolicy auth) {
    this(path, backend, source, auth, RouteEdge.NONE);
  }

  /** A route without a guard of its own. */
  public Route(PathMatch path, Backend backend, RouteSource source) {
    this(path, backend, source, null, RouteEdge.NONE);
  }

  /** This route with {@code more} features after its own. */
  public Route withFeatures(List<? extends RouteFeature> more) {
    if (more.isEmpty()) {
      return this;
    }
    java.util.ArrayList<RouteFeature> all = new java.util.ArrayList<>(features);
    all.addAll(more);
    return new Route(path, backend, source, auth, edge, all);
  }
}
