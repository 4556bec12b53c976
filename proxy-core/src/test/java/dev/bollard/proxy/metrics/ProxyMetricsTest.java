package dev.bollard.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.RequestFacts;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  @Test
  void scrapeIsPrometheusTextWithTheDocumentedSeries() {
    try (ProxyMetrics metrics = ProxyMetrics.create()) {
      RequestFacts f = RequestFacts.begin(
          new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf("BREW"), "/x"),
          java.net.InetAddress.getLoopbackAddress(), LogSettings.DEFAULTS);
      f.route("prod", "web", "prod/web:80");
      f.complete(503);
      metrics.completed(f);
      metrics.connectionOpened();
      metrics.rebuildCompleted(2);
      metrics.rebuildDuration(Duration.ofMillis(12));
      metrics.snapshotPublished(7);
      metrics.configActive("bollard-config-v3");
      metrics.configActive("bollard-config-v4");
      metrics.configRefused(1);
      metrics.watch(AccessLog.off());
      String text = metrics.scrape();
      PrometheusText.assertWellFormed(text);
      assertThat(text).contains(
          "bollard_requests_total{ingress=\"web\",method=\"OTHER\",namespace=\"prod\","
              + "service=\"web\",status_class=\"5xx\"} 1.0",
          "bollard_request_duration_seconds_bucket{",
          "bollard_upstream_response_duration_seconds_count{",
          "bollard_request_bytes_total{", "bollard_response_bytes_total{",
          "bollard_connections_active 1.0", "bollard_tls_handshakes_total{result=\"success\"}",
          "bollard_snapshot_version 7.0", "bollard_config_active{version=\"bollard-config-v4\"} 1.0",
          "bollard_config_refused_versions 1.0", "bollard_rebuilds_total 1.0",
          "bollard_rebuild_duration_seconds_count 1", "bollard_problems 2.0",
          "bollard_access_log_dropped_total 0.0", "jvm_memory_used_bytes",
          "netty_allocator_memory_used");
      assertThat(text).doesNotContain("bollard-config-v3", "/x");
    }
  }
}
