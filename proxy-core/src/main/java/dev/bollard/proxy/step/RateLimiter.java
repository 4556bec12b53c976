package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Memory: the client table holds at most {@link #MAX_CLIENTS} addresses (about 150 bytes
 * each, so some 10 MB for a route under a flood of spoofed addresses); an address is forgotten
 * once idle for as long as its buckets take to drain (then it behaves as new anyway), or, when
 * the table is full, by Caffeine's size eviction (an evicted client starts with full buckets).
 * Per request: one table lookup and one atomic update per rate; no lock.
 *
 * <p>The counters live in the step, one per route per snapshot: a new snapshot (any
 * configuration change) starts the route's counters afresh.
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

  /** One client address's counters. */
  static final class Client implements Runnable {
    final AtomicLong second = new AtomicLong(LeakyBucket.FRESH);
    final AtomicLong minute = new AtomicLong(LeakyBucket.FRESH);
    final AtomicInteger inFlight = new AtomicInteger();

    /** The end of a request that counted in {@link #inFlight}. */
    @Override
    public void run() {
      inFlight.decrementAndGet();
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
    this.clients = Caffeine.newBuilder().maximumSize(MAX_CLIENTS)
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
      if (client.inFlight.incrementAndGet() > most) {
        client.inFlight.decrementAndGet();
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
        && perMinute.next(client.minute.get(), now) == LeakyBucket.REFUSED) {
      return false;
    }
    return (perSecond == null || take(perSecond, client.second, now))
        && (perMinute == null || take(perMinute, client.minute, now));
  }

  private static boolean take(LeakyBucket bucket, AtomicLong state, long now) {
    for (;;) {
      long current = state.get();
      long next = bucket.next(current, now);
      if (next == LeakyBucket.REFUSED) {
        return false;
      }
      if (state.compareAndSet(current, next)) {
        return true;
      }
    }
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
