package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one route ({@link RateLimit}) with their counters, per real client address
 * ({@link StepRequest#client()}): nginx's {@code limit_req ... burst=N nodelay} per rate (a
 * {@link LeakyBucket}; a request over a burst gets {@code limit-req-status-code}) and {@code
 * limit_conn} (requests in flight; one more gets {@code limit-conn-status-code}), with the
 * addresses of {@code limit-whitelist} exempt from both. As in ingress-nginx the counters are this
 * replica's own: N replicas behind a load balancer let a client through N times the limits.
 *
 * <p>Memory: the client table holds at most {@link #MAX_CLIENTS} addresses (measured with
 * {@code RateLimitTableMeasurement}: about 210 bytes each for IPv4, 260 for IPv6, with the
 * cache's entry and the address: 14 to 17 MB for an Ingress under a flood of
 * spoofed addresses). An address is forgotten once idle for as long as its buckets take to drain
 * (it would behave as new anyway), or, when the table is full, by Caffeine's size eviction (an
 * evicted client starts with full buckets). Per request: one table lookup and one
 * compare-and-set per rate (one address's requests may run on several event loops); no lock, no
 * allocation once the address is known. The table's upkeep (Caffeine's read buffer, expiry,
 * eviction) runs on the calling event loop rather than as tasks for the common pool: handing it
 * over woke a pool thread every few requests, which cost more than the work (the sticky and
 * rate-limit feature costs in docs/benchmarks.md). Usually that is a few pointer moves; the worst
 * case is one request that removes every entry that expired since the last upkeep, up to the
 * whole table after a flood of distinct addresses went quiet (about 1 µs per entry, so some tens
 * of milliseconds once for a full table, measured by {@code RateLimitTableMeasurement}).
 *
 * <p>One limiter serves all routes of its Ingress and outlives snapshots while the Ingress's
 * limits are unchanged ({@link RateLimiters}).
 */
public final class RateLimiter implements RouteStep {

  /** Most client addresses remembered per route (nginx's 5m zone holds some 80 thousand). */
  static final int MAX_CLIENTS = 65_536;

  /** The process's monotonic clock in milliseconds. */
  static final LongSupplier MONOTONIC_MILLIS = () -> System.nanoTime() / 1_000_000;

  private static final Function<InetAddress, Client> NEW_CLIENT = a -> new Client();

  private final RateLimit limit;
  private final @Nullable LeakyBucket perSecond;
  private final @Nullable LeakyBucket perMinute;
  private final LongSupplier millis;
  private final Cache<InetAddress, Client> clients;
  private final StepOutcome.Answer requestRefused;
  private final StepOutcome.Answer connectionRefused;

  /** One client address's counters: plain fields updated atomically, one object per address. */
  static final class Client implements Runnable {
    private static final AtomicLongFieldUpdater<Client> SECOND =
        AtomicLongFieldUpdater.newUpdater(Client.class, "second");
    private static final AtomicLongFieldUpdater<Client> MINUTE =
        AtomicLongFieldUpdater.newUpdater(Client.class, "minute");
    private static final AtomicIntegerFieldUpdater<Client> IN_FLIGHT =
        AtomicIntegerFieldUpdater.newUpdater(Client.class, "inFlight");

    volatile long second = LeakyBucket.FRESH;
    volatile long minute = LeakyBucket.FRESH;
    volatile int inFlight;

    /** Counts one more request in flight unless {@code most} are; whether it was counted. */
    boolean enter(int most) {
      if (IN_FLIGHT.incrementAndGet(this) > most) {
        IN_FLIGHT.decrementAndGet(this);
        return false;
      }
      return true;
    }

    /** The end of a request that {@link #enter} counted. */
    @Override
    public void run() {
      IN_FLIGHT.decrementAndGet(this);
    }
  }

  RateLimiter(RateLimit limit, LimitStatus status, LongSupplier millis) {
    this.limit = limit;
    long m = limit.burstMultiplier();
    this.perSecond = limit.perSecond() > 0
        ? new LeakyBucket(limit.perSecond(), 1, limit.perSecond() * m) : null;
    this.perMinute = limit.perMinute() > 0
        ? new LeakyBucket(limit.perMinute(), 60, limit.perMinute() * m) : null;
    this.millis = millis;
    long idle = 1000;
    if (perSecond != null) {
      idle = Math.max(idle, perSecond.drainMillis());
    }
    if (perMinute != null) {
      idle = Math.max(idle, perMinute.drainMillis());
    }
    this.clients = Caffeine.newBuilder().maximumSize(MAX_CLIENTS).executor(Runnable::run)
        .expireAfterAccess(Duration.ofMillis(idle)).build();
    this.requestRefused = refusal(status.request());
    this.connectionRefused = refusal(status.connection());
  }

  private static StepOutcome.Answer refusal(int code) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    String body = status + "\n";
    return keep -> PlainResponses.text(status, body, keep);
  }

  @Override
  public Phase phase() {
    return Phase.LIMIT;
  }

  @Override
  public String name() {
    return "rate-limit";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    InetAddress address = request.client();
    if (limit.exempt().contains(address)) {
      return StepOutcome.PASS;
    }
    Client client = clients.get(address, NEW_CLIENT);
    if (!admit(client, millis.getAsLong())) {
      return requestRefused;
    }
    int most = limit.connections();
    if (most > 0) {
      if (!client.enter(most)) {
        return connectionRefused;
      }
      request.facts().onEnd(client);
    }
    return StepOutcome.PASS;
  }

  /**
   * Whether every rate accepts the request, charging each only then (as nginx charges its zones
   * only when none refuses; two requests of one client racing on two event loops may both see
   * room in the per-minute bucket the per-second one already charged: a refusal then costs one
   * per-second request).
   */
  boolean admit(Client client, long now) {
    if (perMinute != null && perSecond != null
        && perMinute.next(client.minute, now) == LeakyBucket.REFUSED) {
      return false;
    }
    return (perSecond == null || take(perSecond, Client.SECOND, client, now))
        && (perMinute == null || take(perMinute, Client.MINUTE, client, now));
  }

  private static boolean take(
      LeakyBucket bucket, AtomicLongFieldUpdater<Client> state, Client client, long now) {
    for (;;) {
      long current = state.get(client);
      long next = bucket.next(current, now);
      if (next == LeakyBucket.REFUSED) {
        return false;
      }
      if (state.compareAndSet(client, current, next)) {
        return true;
      }
    }
  }

  /** Runs the table's pending evictions now (for measurements; Caffeine does it on its own). */
  void cleanUp() {
    clients.cleanUp();
  }

  /** How many client addresses the table holds now (an estimate, for tests and status). */
  long clients() {
    return clients.estimatedSize();
  }

  @Override
  public String toString() {
    return "rate-limit(" + limit + ")";
  }
}
