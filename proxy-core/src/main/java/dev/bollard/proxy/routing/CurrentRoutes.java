package dev.bollard.proxy.routing;

import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.step.RateLimiters;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one swap point between control plane and data plane: holds the route table of the current
 * snapshot.
 *
 * <p>The server reads {@link #table()} once per request and keeps that table for the request's
 * life, so a swap never changes a request in flight. Compilation happens on the publishing thread,
 * never on an event loop.
 */
public final class CurrentRoutes {

  private final AtomicReference<RouteTable> table;
  /** Rate-limit counters, kept from one snapshot to the next where the limits are unchanged. */
  private final RateLimiters limiters = new RateLimiters();
  private volatile boolean published;

  /** Starts with the empty snapshot (every request 404) and not yet {@link #isPublished()}. */
  public CurrentRoutes() {
    this(RoutingSnapshot.EMPTY);
  }

  /**
   * Starts with {@code initial}, served until the first {@link #publish} (an empty one with the
   * command line's settings, say) and not yet {@link #isPublished()}.
   */
  public CurrentRoutes(RoutingSnapshot initial) {
    this.table = new AtomicReference<>(RouteTable.compile(initial, limiters));
  }

  /** Compiles the snapshot and makes it current. */
  public void publish(RoutingSnapshot snapshot) {
    table.set(RouteTable.compile(snapshot, limiters));
    published = true;
  }

  /** The table of the current snapshot. */
  public RouteTable table() {
    return table.get();
  }

  /** Whether a snapshot has been published at least once (readiness). */
  public boolean isPublished() {
    return published;
  }
}
