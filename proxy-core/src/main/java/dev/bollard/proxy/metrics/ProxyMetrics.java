package dev.bollard.proxy.metrics;

import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.accesslog.RequestSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The process's metrics, rendered in the Prometheus text format for the admin listener's {@code
 * /metrics}. Names and labels are listed in the README ("Metrics").
 *
 * <p>Request metrics are recorded on event loops: meters are looked up in a cache keyed by their
 * labels, and recording is lock-free.
 */
public final class ProxyMetrics implements RequestSink, AutoCloseable {

  /** The content type of {@link #scrape()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Method label values; anything else is counted as {@code OTHER} (see {@link #methodIndex}). */
  private static final String[] METHODS =
      {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER"};

  /** Status-class label values, indexed by {@code status / 100} (0: outside 100–599). */
  private static final String[] STATUS_CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final ConcurrentHashMap<RouteKey, RouteMeters> routes = new ConcurrentHashMap<>();
  private final AtomicLong activeConnections = new AtomicLong();
  private final AtomicLong snapshotVersion = new AtomicLong();
  private final AtomicLong problems = new AtomicLong();
  private final AtomicReference<String> activeConfig = new AtomicReference<>("");
  private final Counter tlsOk;
  private final Counter tlsFailed;
  private final Counter passthroughRelayed;
  private final Counter passthroughFailed;
  private final Counter passthroughBytesIn;
  private final Counter passthroughBytesOut;
  private final AtomicLong refusedVersions = new AtomicLong();
  private final Counter rebuilds;
  private final Timer rebuildDuration;
  private final ConcurrentHashMap<CertificateKey, AtomicLong> certificateExpiry =
      new ConcurrentHashMap<>();

  private record RouteKey(String namespace, String ingress, String service) {}

  private record CertificateKey(String secret, String host) {}

  private record RouteMeters(
      Timer duration, Timer upstream, Counter bytesIn, Counter bytesOut,
      AtomicReferenceArray<Counter> requests) {}

  private ProxyMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
    Gauge.builder("bollard.connections.active", activeConnections, AtomicLong::get)
        .description("Open client connections on the proxy listeners")
        .register(registry);
    tlsOk = Counter.builder("bollard.tls.handshakes").tag("result", "success")
        .description("TLS handshakes with clients").register(registry);
    tlsFailed = Counter.builder("bollard.tls.handshakes").tag("result", "failure")
        .description("TLS handshakes with clients").register(registry);
    passthroughRelayed = Counter.builder("bollard.passthrough.connections")
        .tag("result", "relayed")
        .description("SSL passthrough connections, by whether a backend connection was made")
        .register(registry);
    passthroughFailed = Counter.builder("bollard.passthrough.connections")
        .tag("result", "failed")
        .description("SSL passthrough connections, by whether a backend connection was made")
        .register(registry);
    passthroughBytesIn = Counter.builder("bollard.passthrough.bytes").baseUnit("bytes")
        .tag("direction", "in")
        .description("Bytes relayed by SSL passthrough, from clients (in) and to them (out)")
        .register(registry);
    passthroughBytesOut = Counter.builder("bollard.passthrough.bytes").baseUnit("bytes")
        .tag("direction", "out")
        .description("Bytes relayed by SSL passthrough, from clients (in) and to them (out)")
        .register(registry);
    Gauge.builder("bollard.snapshot.version", snapshotVersion, AtomicLong::get)
        .description("Version number of the routing snapshot being served")
        .register(registry);
    Gauge.builder("bollard.config.refused.versions", refusedVersions, AtomicLong::get)
        .description("Global config versions that fail validation now (not served)")
        .register(registry);
    rebuilds = Counter.builder("bollard.rebuilds")
        .description("Snapshot rebuilds (translations) run").register(registry);
    rebuildDuration = Timer.builder("bollard.rebuild.duration")
        .description("Time a rebuild took")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    Gauge.builder("bollard.problems", problems, AtomicLong::get)
        .description("Problems found by the last rebuild (Ingresses or parts left out)")
        .register(registry);
  }

  /** Creates the registry with JVM and Netty buffer metrics bound. */
  public static ProxyMetrics create() {
    return new ProxyMetrics();
  }

  /** The underlying registry, for metrics other components add. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (content type {@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void completed(RequestFacts f) {
    RouteKey key = new RouteKey(f.namespace(), f.ingress(), f.service());
    RouteMeters m = routes.get(key);
    if (m == null) {
      m = routes.computeIfAbsent(key, this::routeMeters);
    }
    requestCounter(m, key, methodIndex(f.method()), statusClassIndex(f.status())).increment();
    m.duration.record(f.durationNanos(), TimeUnit.NANOSECONDS);
    long upstream = f.upstreamResponseNanos();
    if (upstream >= 0) {
      m.upstream.record(upstream, TimeUnit.NANOSECONDS);
    }
    m.bytesIn.increment(f.requestLength());
    m.bytesOut.increment(f.bodyBytesSent());
  }

  private RouteMeters routeMeters(RouteKey k) {
    return new RouteMeters(
        Timer.builder("bollard.request.duration")
            .description("Time from request head to the end of the response")
            .tag("namespace", k.namespace).tag("ingress", k.ingress).tag("service", k.service)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry),
        Timer.builder("bollard.upstream.response.duration")
            .description("Time from the first upstream connect attempt to the end of its response")
            .tag("namespace", k.namespace).tag("ingress", k.ingress).tag("service", k.service)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry),
        Counter.builder("bollard.request.bytes").baseUnit("bytes")
            .description("Request bytes received (heads and bodies)")
            .tag("namespace", k.namespace).tag("ingress", k.ingress).tag("service", k.service)
            .register(registry),
        Counter.builder("bollard.response.bytes").baseUnit("bytes")
            .description("Response body bytes sent")
            .tag("namespace", k.namespace).tag("ingress", k.ingress).tag("service", k.service)
            .register(registry),
        new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES.length));
  }

  /**
   * The request counter of a route for one method and status class: looked up in the route's own
   * small array (one slot per method and class), not in a map keyed by five strings per request.
   * Racing first uses register the same meter; the registry returns the existing one.
   */
  private Counter requestCounter(RouteMeters m, RouteKey k, int method, int statusClass) {
    int slot = method * STATUS_CLASSES.length + statusClass;
    Counter c = m.requests.get(slot);
    if (c == null) {
      c = Counter.builder("bollard.requests")
          .description("Requests served, by route, method and status class")
          .tag("namespace", k.namespace).tag("ingress", k.ingress).tag("service", k.service)
          .tag("method", METHODS[method]).tag("status_class", STATUS_CLASSES[statusClass])
          .register(registry);
      m.requests.set(slot, c);
    }
    return c;
  }

  /** The index of a method in {@link #METHODS}; {@code OTHER} for anything else. */
  private static int methodIndex(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "DELETE" -> 4;
      case "PATCH" -> 5;
      case "OPTIONS" -> 6;
      case "CONNECT" -> 7;
      case "TRACE" -> 8;
      default -> 9;
    };
  }

  /** The index of a status's class in {@link #STATUS_CLASSES}. */
  private static int statusClassIndex(int status) {
    return status >= 100 && status < 600 ? status / 100 : 0;
  }

  /** A client connection opened. */
  public void connectionOpened() {
    activeConnections.incrementAndGet();
  }

  /** A client connection closed. */
  public void connectionClosed() {
    activeConnections.decrementAndGet();
  }

  /** A TLS handshake with a client finished. */
  public void tlsHandshake(boolean success) {
    (success ? tlsOk : tlsFailed).increment();
  }

  /**
   * An SSL passthrough connection ended: whether a backend connection was made, and the bytes
   * relayed from the client and to it.
   */
  public void passthrough(boolean connected, long bytesIn, long bytesOut) {
    (connected ? passthroughRelayed : passthroughFailed).increment();
    passthroughBytesIn.increment(bytesIn);
    passthroughBytesOut.increment(bytesOut);
  }

  /** Exposes the access log's written and dropped line counts. */
  public void watch(AccessLog accessLog) {
    FunctionCounter.builder("bollard.access.log.dropped", accessLog, AccessLog::droppedLines)
        .description("Access-log lines dropped because the writer could not keep up")
        .register(registry);
    FunctionCounter.builder("bollard.access.log.lines", accessLog, AccessLog::writtenLines)
        .description("Access-log lines written")
        .register(registry);
  }

  /** A rebuild finished; {@code problemCount} is how many problems it reported. */
  public void rebuildCompleted(int problemCount) {
    rebuilds.increment();
    problems.set(problemCount);
  }

  /** How long a rebuild (translation and publication) took. */
  public void rebuildDuration(Duration took) {
    rebuildDuration.record(took);
  }

  /** A snapshot was published. */
  public void snapshotPublished(long version) {
    snapshotVersion.set(version);
  }

  /** The active global config version (its ConfigMap name; empty for none). */
  public void configActive(String version) {
    String old = activeConfig.getAndSet(version);
    if (old.equals(version)) {
      return;
    }
    if (!old.isEmpty()) {
      registry.find("bollard.config.active").tag("version", old).meters()
          .forEach(registry::remove);
    }
    if (!version.isEmpty()) {
      Gauge.builder("bollard.config.active", () -> 1)
          .description("The active global config version (value 1, the version is a label)")
          .tag("version", version)
          .register(registry);
    }
  }

  /** How many global config versions fail validation now. */
  public void configRefused(int versions) {
    refusedVersions.set(versions);
  }

  /**
   * The certificates served now, replacing the previous set: {@code notAfter} per Secret ({@code
   * namespace/name}) and host. Only what the HTTPS listener serves, so the series stay bounded.
   */
  public synchronized void certificatesServed(Map<String, Map<String, Instant>> notAfterBySecret) {
    Set<CertificateKey> now = new java.util.HashSet<>();
    notAfterBySecret.forEach((secret, hosts) -> hosts.forEach((host, notAfter) -> {
      CertificateKey key = new CertificateKey(secret, host);
      now.add(key);
      certificateExpiry.computeIfAbsent(key, k -> {
        AtomicLong value = new AtomicLong();
        Gauge.builder("bollard.certificate.expiry.timestamp", value, AtomicLong::get)
            .baseUnit("seconds")
            .description("When the certificate served for a host expires (Unix time)")
            .tag("secret", k.secret).tag("host", k.host)
            .register(registry);
        return value;
      }).set(notAfter.getEpochSecond());
    }));
    certificateExpiry.keySet().removeIf(key -> {
      if (now.contains(key)) {
        return false;
      }
      registry.find("bollard.certificate.expiry.timestamp").tag("secret", key.secret)
          .tag("host", key.host).meters().forEach(registry::remove);
      return true;
    });
  }

  /**
   * An ACME order finished.
   *
   * @param issued whether a certificate was issued and stored
   * @param reason why it was placed, e.g. {@code MISSING} or {@code RENEWAL_DUE} (a fixed set)
   */
  public void certificateOrder(boolean issued, String reason) {
    Counter.builder("bollard.certificate.orders")
        .description("ACME orders placed, by result and reason")
        .tag("result", issued ? "issued" : "failed")
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
