package dev.bollard.proxy.routing;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import org.jspecify.annotations.Nullable;

/**
 * The result of a route lookup; never null. Either nothing matched ({@link #isFound()} false,
 * answer 404), a route matched, or the snapshot's default backend caught the request (no route).
 *
 * @param backend where to send the request, or {@code null} when nothing matched
 * @param route the matching route, or {@code null} for the default backend or no match
 */
public record RouteMatch(@Nullable Backend backend, @Nullable Route route) {

  private static final RouteMatch NONE = new RouteMatch(null, null);

  /** Nothing matched. */
  public static RouteMatch none() {
    return NONE;
  }

  /** A route matched. */
  public static RouteMatch of(Route route) {
    return new RouteMatch(route.backend(), route);
  }

  /** No route matched and the default backend takes the request. */
  public static RouteMatch defaultBackend(Backend backend) {
    return new RouteMatch(backend, null);
  }

  /** Whether there is a backend to send the request to. */
  public boolean isFound() {
    return backend != null;
  }
}
