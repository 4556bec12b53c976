package dev.bollard.controller.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.metrics.ProxyMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart's Grafana dashboard queries only series Bollard's {@code /metrics} exposes. */
class HelmDashboardTest {

  private static final Pattern SERIES = Pattern.compile("\\b((?:bollard|jvm)_[a-z_]+)");

  @Test
  void dashboardQueriesOnlySeriesTheBinaryExposes() throws Exception {
    ConfigMap dashboard = RenderedChart.render("prod-acme.yaml").all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().endsWith("-dashboard"))
        .findFirst()
        .orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    Map<?, ?> json =
        new KubernetesSerialization().unmarshal(dashboard.getData().get("bollard.json"), Map.class);
    Set<String> queried = new TreeSet<>();
    for (Object panel : (List<?>) json.get("panels")) {
      for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
        Matcher m = SERIES.matcher((String) ((Map<?, ?>) target).get("expr"));
        while (m.find()) {
          queried.add(m.group(1));
        }
      }
    }

    String scrape = scrapeWithEveryMeter();

    assertThat(queried).hasSizeGreaterThan(10);
    assertThat(queried).allSatisfy(series -> assertThat(scrape)
        .as("series %s in /metrics", series)
        .containsPattern("(?m)^" + series + "[{ ]"));
  }

  /** A scrape after one of everything, so that lazily registered meters are present. */
  private static String scrapeWithEveryMeter() throws Exception {
    try (ProxyMetrics metrics = ProxyMetrics.create()) {
      RequestFacts facts = RequestFacts.begin(
          new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"),
          InetAddress.getLoopbackAddress(),
          LogSettings.DEFAULTS);
      facts.route("shop", "web", "shop/web:http");
      facts.upstreamStarted();
      facts.upstreamResponded(200);
      facts.upstreamDone();
      facts.complete(200);
      metrics.completed(facts);
      metrics.connectionOpened();
      metrics.tlsHandshake(true);
      metrics.rebuildCompleted(0);
      metrics.rebuildDuration(Duration.ofMillis(3));
      metrics.snapshotPublished(1);
      metrics.configActive("ingress/bollard-config-v1");
      metrics.configRefused(0);
      return metrics.scrape();
    }
  }
}
