/**
 * Prometheus metrics through Micrometer: {@link dev.bollard.proxy.metrics.ProxyMetrics} records
 * requests (as a {@link dev.bollard.proxy.accesslog.RequestSink}), connections and control-plane
 * events, and renders {@code /metrics}. Labels are bounded: route names from the snapshot, a fixed
 * set of methods, status classes; never paths or client-chosen hosts.
 */
@NullMarked
package dev.bollard.proxy.metrics;

import org.jspecify.annotations.NullMarked;
