package dev.bollard.controller.statuspage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests per second and 5xx per second of each Ingress over the last minute, from the same
 * {@code bollard_requests_total} counters as {@code /metrics}: every {@link #sample()} (every
 * {@link #INTERVAL}, by the process's scheduler) reads the counters' totals and keeps the
 * differences, {@link #SAMPLES} of them. Nothing on the request path changes for this.
 */
public final class TrafficRates {

  /** How often the counters are read. */
  public static final Duration INTERVAL = Duration.ofSeconds(2);

  /** How many intervals are kept: one minute. */
  static final int SAMPLES = 30;

  /** One Ingress's last minute: a rate per interval, oldest first. */
  record Series(List<Double> requests, List<Double> errors) {}

  private record Totals(double requests, double errors) {}

  private final MeterRegistry registry;
  private final Object lock = new Object();
  private Map<String, Totals> last = Map.of();
  private final Map<String, ArrayDeque<double[]>> history = new HashMap<>();
  private long lastNanos;

  public TrafficRates(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Reads the counters once and records the rates since the previous read. */
  public void sample() {
    Map<String, Totals> now = totals();
    long nanos = System.nanoTime();
    synchronized (lock) {
      if (lastNanos != 0) {
        double seconds = Math.max(1e-3, (nanos - lastNanos) / 1e9);
        for (Map.Entry<String, Totals> e : now.entrySet()) {
          Totals before = last.getOrDefault(e.getKey(), new Totals(0, 0));
          double[] rate = {
            Math.max(0, e.getValue().requests() - before.requests()) / seconds,
            Math.max(0, e.getValue().errors() - before.errors()) / seconds
          };
          ArrayDeque<double[]> series = history.computeIfAbsent(e.getKey(),
              k -> new ArrayDeque<>(SAMPLES));
          if (series.size() == SAMPLES) {
            series.removeFirst();
          }
          series.addLast(rate);
        }
        // An Ingress whose counters are gone (removed, no longer served) leaves the page.
        history.keySet().retainAll(now.keySet());
      }
      last = now;
      lastNanos = nanos;
    }
  }

  /** Each Ingress ({@code namespace/name}) with its rates, oldest first. */
  Map<String, Series> series() {
    Map<String, Series> out = new LinkedHashMap<>();
    synchronized (lock) {
      for (Map.Entry<String, ArrayDeque<double[]>> e : history.entrySet()) {
        List<Double> requests = new java.util.ArrayList<>(SAMPLES);
        List<Double> errors = new java.util.ArrayList<>(SAMPLES);
        for (Iterator<double[]> it = e.getValue().iterator(); it.hasNext(); ) {
          double[] rate = it.next();
          requests.add(rate[0]);
          errors.add(rate[1]);
        }
        out.put(e.getKey(), new Series(List.copyOf(requests), List.copyOf(errors)));
      }
    }
    return out;
  }

  private Map<String, Totals> totals() {
    Map<String, double[]> sums = new HashMap<>();
    for (Counter c : registry.find("bollard.requests").counters()) {
      String namespace = c.getId().getTag("namespace");
      String ingress = c.getId().getTag("ingress");
      if (namespace == null || ingress == null || ingress.isEmpty()) {
        continue;
      }
      double[] sum = sums.computeIfAbsent(namespace + "/" + ingress, k -> new double[2]);
      double count = c.count();
      sum[0] += count;
      if ("5xx".equals(c.getId().getTag("status_class"))) {
        sum[1] += count;
      }
    }
    Map<String, Totals> out = new HashMap<>();
    sums.forEach((k, v) -> out.put(k, new Totals(v[0], v[1])));
    return out;
  }
}
