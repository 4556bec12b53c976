package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.LoadBalance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The load balancing of one event loop (ingress-nginx balances per nginx worker): which endpoint a
 * request tries first, and in which order the others follow for retries, each once.
 *
 * <ul>
 *   <li>{@link LoadBalance#ROUND_ROBIN}: each endpoint in turn, a rotation per backend;
 *   <li>{@link LoadBalance#EWMA}: two endpoints drawn at random, the one with the lower score
 *       first, the score being the peak-EWMA of its latency times its tries in flight plus one
 *       (ingress-nginx's {@code balancer/ewma.lua}, after Finagle's peak EWMA). An endpoint never
 *       measured scores as the average of those measured (ingress-nginx's slow start), so a new
 *       one is not flooded;
 *   <li>{@link LoadBalance#LEAST_CONN}: the endpoint with the fewest tries in flight from this
 *       loop, ties broken by the rotation.
 * </ul>
 *
 * <p>A pinned endpoint (sticky session, {@code upstream-hash-by}) goes first whatever the
 * algorithm. Touched only on its loop. The round-robin path allocates only the order it returns
 * (nothing for a single endpoint), as before there were other algorithms.
 */
final class Balancer {

  private final Map<String, Integer> nextIndex = new HashMap<>();
  private final Map<Endpoint, EndpointLoad> loads = new HashMap<>();
  private final LongSupplier clock;
  private final IntUnaryOperator draw;

  /**
   * @param clock {@link System#nanoTime()} or a test's clock
   * @param draw a random number from 0 below its argument, for the {@code ewma} draws
   */
  Balancer(LongSupplier clock, IntUnaryOperator draw) {
    this.clock = clock;
    this.draw = draw;
  }

  /**
   * The backend's endpoints in the order to try them, each once: {@code pinned} first when it is
   * one of them, else the one {@code balance} picks; then the others.
   */
  List<Endpoint> tryOrder(Backend backend, LoadBalance balance, @Nullable Endpoint pinned) {
    List<Endpoint> endpoints = backend.endpoints();
    int n = endpoints.size();
    if (n == 0) {
      return List.of();
    }
    if (n == 1) {
      return endpoints; // nothing to rotate: no per-request list or counter
    }
    int first = pinned == null ? -1 : endpoints.indexOf(pinned);
    if (first < 0 && balance == LoadBalance.EWMA) {
      first = ewmaPick(endpoints);
      return from(endpoints, first, first + 1);
    }
    int start = Math.floorMod(nextIndex.merge(backend.id(), 1, Integer::sum) - 1, n);
    if (first < 0 && balance == LoadBalance.LEAST_CONN) {
      first = leastInFlight(endpoints, start);
    }
    return from(endpoints, first, start);
  }

  /** {@code first} (unless -1), then the others from {@code start} on, wrapping around. */
  private static List<Endpoint> from(List<Endpoint> endpoints, int first, int start) {
    int n = endpoints.size();
    List<Endpoint> order = new ArrayList<>(n);
    if (first >= 0) {
      order.add(endpoints.get(first));
    }
    for (int i = 0; i < n; i++) {
      int at = (start + i) % n;
      if (at != first) {
        order.add(endpoints.get(at));
      }
    }
    return order;
  }

  /** The fewest tries in flight, the first such from {@code start} on. */
  private int leastInFlight(List<Endpoint> endpoints, int start) {
    int n = endpoints.size();
    int best = start;
    int bestCount = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      int at = (start + i) % n;
      EndpointLoad load = loads.get(endpoints.get(at));
      int count = load == null ? 0 : load.inFlight();
      if (count < bestCount) {
        best = at;
        bestCount = count;
        if (count == 0) {
          break;
        }
      }
    }
    return best;
  }

  /** The better of two distinct endpoints drawn at random. */
  private int ewmaPick(List<Endpoint> endpoints) {
    int n = endpoints.size();
    int a = draw.applyAsInt(n);
    int b = draw.applyAsInt(n - 1);
    if (b >= a) {
      b++;
    }
    long now = clock.getAsLong();
    double scoreA = score(endpoints, a, now);
    double scoreB = score(endpoints, b, now);
    return scoreB < scoreA ? b : a;
  }

  private double score(List<Endpoint> endpoints, int at, long now) {
    EndpointLoad load = loads.get(endpoints.get(at));
    if (load == null) {
      return slowStart(endpoints, now);
    }
    double latency = load.measured() ? load.ewmaAt(now) : slowStart(endpoints, now);
    return latency * (load.inFlight() + 1);
  }

  /** What an endpoint never measured is taken to cost: the average of the measured ones. */
  private double slowStart(List<Endpoint> endpoints, long now) {
    double sum = 0;
    int measured = 0;
    for (Endpoint e : endpoints) {
      EndpointLoad load = loads.get(e);
      if (load != null && load.measured()) {
        sum += load.ewmaAt(now);
        measured++;
      }
    }
    return measured == 0 ? 0 : sum / measured;
  }

  /**
   * The load record of {@code endpoint} on this loop, made on first use: the exchange counts its
   * tries there. Only routes balanced by {@code ewma} or {@code least_conn} count.
   */
  EndpointLoad load(Endpoint endpoint) {
    EndpointLoad load = loads.get(endpoint);
    if (load == null) {
      load = new EndpointLoad();
      loads.put(endpoint, load);
    }
    return load;
  }

  /**
   * Forgets the rotations of backends and the loads of endpoints the live snapshot no longer has.
   * A try still in flight on a forgotten endpoint ends on its own record, which nothing reads.
   */
  void retain(Set<String> backendIds, Set<Endpoint> endpoints) {
    nextIndex.keySet().retainAll(backendIds);
    loads.keySet().retainAll(endpoints);
  }
}
