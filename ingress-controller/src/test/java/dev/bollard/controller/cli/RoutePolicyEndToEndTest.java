package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-Ingress policy annotations from YAML to the wire, through a real Bollard and real
 * backends: {@code proxy-read-timeout}, {@code proxy-body-size}, {@code proxy-next-upstream} on
 * {@code http_503} between two endpoints, and {@code enable-access-log: "false"}.
 */
class RoutePolicyEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  @TempDir Path logs;
  private TestBackend ok;
  private TestBackend busy;
  private TestBackend silent;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    ok = TestBackend.start("ok", TestBackend.echo());
    busy = TestBackend.start("busy", TestBackend.fixed(503, "busy"));
    silent = TestBackend.start("silent", TestBackend.silent());
    Files.writeString(manifests.resolve("policy.yaml"), manifest());
    runtime = standalone.start(manifests, p -> p.withAccessLog(
        new AccessLogOptions(logs.resolve("access.log").toString(), AccessLog.Format.JSON,
            1000)));
  }

  @AfterEach
  void stop() {
    ok.close();
    busy.close();
    silent.close();
  }

  @Test
  void aRouteReadTimeoutOfOneSecondAnswers504InsteadOfWaitingTheGlobalMinute() throws Exception {
    long start = System.nanoTime();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      assertThat(c.get("slow.localhost", "/").read().status()).isEqualTo(504);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
    assertThat(silent.requests()).isEqualTo(1);
  }

  @Test
  void aRouteBodySizeRefusesLargerBodiesWith413() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send("POST /form HTTP/1.1\r\nHost: small.localhost\r\nContent-Length: 1000\r\n\r\n"
          + "x".repeat(1000));
      RawResponse fits = c.read();
      assertThat(fits.status()).isEqualTo(200);
      assertThat(fits.text()).endsWith("x".repeat(1000));
    }
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send("POST /form HTTP/1.1\r\nHost: small.localhost\r\nContent-Length: 1025\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(413);
    }
    // The global proxy-body-size (1m) elsewhere.
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send("POST /form HTTP/1.1\r\nHost: loud.localhost\r\nContent-Length: 2000\r\n\r\n"
          + "y".repeat(2000));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void a503GoesToTheOtherEndpointWhereTheIngressAsksForIt() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      // Two requests on one connection start at different endpoints (round-robin).
      List<RawResponse> answers = List.of(c.get("retry.localhost", "/a").read(),
          c.get("retry.localhost", "/b").read());
      assertThat(answers).allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-backend")).isEqualTo("ok");
      });
    }
    assertThat(busy.requests()).isEqualTo(1);
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      // Without the annotation, ingress-nginx's default (error timeout) relays the 503.
      List<Integer> statuses = List.of(c.get("plain.localhost", "/a").read().status(),
          c.get("plain.localhost", "/b").read().status());
      assertThat(statuses).containsExactlyInAnyOrder(200, 503);
    }
  }

  @Test
  void anIngressWithoutAccessLogHasNoLineButIsStillMeasured() throws Exception {
    assertThat(RawHttp.get(runtime.proxyPort(), "quiet.localhost", "/quiet"))
        .startsWith("HTTP/1.1 200");
    assertThat(RawHttp.get(runtime.proxyPort(), "loud.localhost", "/loud"))
        .startsWith("HTTP/1.1 200");
    Path log = logs.resolve("access.log");
    // Lines are written in order: once the second request's line is there, the first's would be.
    await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).contains("/loud"));
    assertThat(Files.readString(log)).doesNotContain("/quiet").doesNotContain("quiet.localhost");
    assertThat(RawHttp.get(runtime.adminPort(), "localhost", "/metrics"))
        .contains("ingress=\"quiet\"").contains("ingress=\"loud\"");
  }

  private String manifest() {
    StringBuilder yaml = new StringBuilder();
    yaml.append(ingress("retry", "app",
        "nginx.ingress.kubernetes.io/proxy-next-upstream: \"error timeout http_503\""));
    yaml.append(ingress("plain", "app", null));
    yaml.append(ingress("slow", "slow", "nginx.ingress.kubernetes.io/proxy-read-timeout: \"1\""));
    yaml.append(ingress("small", "echo", "nginx.ingress.kubernetes.io/proxy-body-size: \"1k\""));
    yaml.append(ingress("quiet", "echo",
        "nginx.ingress.kubernetes.io/enable-access-log: \"false\""));
    yaml.append(ingress("loud", "echo", null));
    yaml.append(TestManifests.service("app"))
        .append(TestManifests.slice("app", "app-busy", busy.port()))
        .append(TestManifests.slice("app", "app-ok", ok.port()));
    yaml.append(TestManifests.service("slow", silent.port()));
    yaml.append(TestManifests.service("echo", ok.port()));
    return yaml.toString();
  }

  private static String ingress(String name, String service, String annotation) {
    return TestManifests.ingress(name, name, service,
        annotation == null ? "" : "  annotations:\n    " + annotation + "\n");
  }
}
