package dev.bollard.proxy.config;

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
 */
public record Route(
    PathMatch path,
    Backend backend,
    RouteSource source,
    @Nullable BasicAuthPolicy auth,
    RouteEdge edge) {

  /** A route with the edge settings of its Ingress left at {@link RouteEdge#NONE}. */
  public Route(PathMatch path, Backend backend, RouteSource source, @Nullable BasicAuthPolicy auth) {
    this(path, backend, source, auth, RouteEdge.NONE);
  }

  /** A route without a guard of its own. */
  public Route(PathMatch path, Backend backend, RouteSource source) {
    this(path, backend, source, null, RouteEdge.NONE);
  }
}
