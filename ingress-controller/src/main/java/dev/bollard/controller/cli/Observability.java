package dev.bollard.controller.cli;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.settings.ConfigState;
import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.LogDestination;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.metrics.ProxyMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The access log and the metrics of one process, and the hooks that feed them: completed
 * requests (through {@link #telemetry()}), rebuilds and the config state (through {@link
 * #timed(Runnable)} and {@link #published(Publication)}), and {@code /metrics}.
 */
final class Observability implements AutoCloseable {

  private final AccessLog accessLog;
  private final ProxyMetrics metrics;
  private final RequestTelemetry telemetry;

  private Observability(AccessLog accessLog, ProxyMetrics metrics) {
    this.accessLog = accessLog;
    this.metrics = metrics;
    this.telemetry = new RequestTelemetry(accessLog, metrics);
    metrics.watch(accessLog);
  }

  /**
   * @throws UncheckedIOException if the access-log file cannot be opened (the message names it)
   */
  static Observability start(AccessLogOptions options) {
    AccessLog log;
    String d = options.destination.strip();
    try {
      log = switch (d) {
        case "off" -> AccessLog.off();
        case "stdout", "-" -> AccessLog.start(LogDestination.stdout(), options.format,
            options.queue);
        default -> AccessLog.start(LogDestination.file(Path.of(d)), options.format,
            options.queue);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage() + " (--access-log)", e);
    }
    return new Observability(log, ProxyMetrics.create());
  }

  RequestTelemetry telemetry() {
    return telemetry;
  }

  /** The registry, for components that add their own metrics. */
  ProxyMetrics metrics() {
    return metrics;
  }

  /** The {@code /metrics} page. */
  Supplier<String> scrape() {
    return metrics::scrape;
  }

  /** The rebuild, timed. */
  Runnable timed(Runnable rebuild) {
    return () -> {
      long start = System.nanoTime();
      try {
        rebuild.run();
      } finally {
        metrics.rebuildDuration(Duration.ofNanos(System.nanoTime() - start));
      }
    };
  }

  /** Records a rebuild's outcome: a listener of the publisher. */
  void published(Publication publication) {
    record(publication.result().problems().size(), publication.version(),
        publication.result().config().state());
  }

  private void record(int problems, long snapshotVersion, ConfigState config) {
    metrics.rebuildCompleted(problems);
    metrics.snapshotPublished(snapshotVersion);
    metrics.configActive(config.active() == null ? ""
        : config.active().namespace() + "/" + config.active().configMap());
    metrics.configRefused(config.refused().size());
  }

  @Override
  public void close() {
    accessLog.close();
    metrics.close();
  }
}
