package dev.bollard.proxy.step;

import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.config.RouteSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The rate limiters of the published snapshots, so that their counters outlive a republish: as
 * in ingress-nginx, where a zone is named after its Ingress, all routes of one Ingress share one
 * {@link RateLimiter}, and a new snapshot in which the Ingress's limits (and the refusal status
 * codes) are unchanged keeps it. A changed limit starts afresh, as an nginx reload with a changed
 * zone does.
 *
 * <p>Used by the one publishing thread: {@link #begin} a generation, compile the snapshot's
 * chains with it, {@link Generation#finish} it; limiters the new snapshot no longer uses are
 * dropped then.
 */
public final class RateLimiters {

  private record Key(RouteSource source, RateLimit limit, LimitStatus status) {}

  private Map<Key, RateLimiter> current = new HashMap<>();

  /** A registry for compiling one snapshot alone (its limiters start afresh). */
  public static Generation fresh() {
    return new RateLimiters().begin();
  }

  /** Starts compiling a snapshot: its chains take the limiters of the previous one. */
  public synchronized Generation begin() {
    return new Generation(this, current);
  }

  private synchronized void finish(Map<Key, RateLimiter> used) {
    current = used;
  }

  /** The limiters of one snapshot being compiled. */
  public static final class Generation {
    private final RateLimiters owner;
    private final Map<Key, RateLimiter> previous;
    private final Map<Key, RateLimiter> used = new HashMap<>();

    private Generation(RateLimiters owner, Map<Key, RateLimiter> previous) {
      this.owner = owner;
      this.previous = previous;
    }

    /** The limiter of {@code source}'s routes: the previous snapshot's if unchanged. */
    RateLimiter limiterFor(RouteSource source, RateLimit limit, LimitStatus status) {
      return used.computeIfAbsent(new Key(source, limit, status), k -> {
        RateLimiter kept = previous.get(k);
        return kept != null ? kept : limit.newStep(status);
      });
    }

    /** The snapshot is compiled: its limiters are the ones the next one may keep. */
    public void finish() {
      owner.finish(Map.copyOf(used));
    }
  }
}
