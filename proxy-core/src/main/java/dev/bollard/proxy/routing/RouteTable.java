package dev.bollard.proxy.routing;

import dev.bollard.proxy.config.RoutingSnapshot;

/** Placeholder: being written. */
public final class RouteTable {
  private final RoutingSnapshot snapshot;

  private RouteTable(RoutingSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  /** Compiles a snapshot for lookup. */
  public static RouteTable compile(RoutingSnapshot snapshot) {
    return new RouteTable(snapshot);
  }

  /** The snapshot this table was compiled from. */
  public RoutingSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Finds the backend for a request.
   *
   * @param authority the Host header as received (any case, may carry a port or trailing dot)
   * @param path the request path without query string, starting with '/'
   */
  public RouteMatch match(String authority, String path) {
    return RouteMatch.none();
  }
}
