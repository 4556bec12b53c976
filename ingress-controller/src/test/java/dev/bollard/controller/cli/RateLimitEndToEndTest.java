package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code limit-rpm}, {@code limit-burst-multiplier}, {@code limit-whitelist},
 * {@code limit-connections} and the ConfigMap's {@code limit-req-status-code}, from YAML to the
 * wire through a real Bollard. Rates are per minute so that the test's own pace cannot leak the
 * bucket (one request per 62.5 s at 1r/m).
 */
class RateLimitEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private TestBackend echo;
  private TestBackend held;
  private TestBackend refusing;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    held = TestBackend.start("held", TestBackend.gated(gate, "released"));
    refusing = TestBackend.start("auth", TestBackend.fixed(401, "who are you"));
    Files.writeString(manifests.resolve("limits.yaml"), manifest());
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    gate.complete(null);
    echo.close();
    held.close();
    refusing.close();
  }

  private List<Integer> statuses(String host, String path, int n) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        out.add(c.get(host, path).read().status());
      }
    }
    return out;
  }

  @Test
  void theBurstPassesAtOnceThenEachRequestGets503AndTheIngressRoutesShareTheCount()
      throws Exception {
    // limit-rpm 1 with limit-burst-multiplier 2: the first request and a burst of two.
    assertThat(statuses("burst.localhost", "/a", 2)).containsExactly(200, 200);
    assertThat(statuses("burst.localhost", "/b", 3)).containsExactly(200, 503, 503);
    assertThat(echo.requests()).isEqualTo(3);
    // Another Ingress with the same limit has its own counters.
    assertThat(statuses("other.localhost", "/", 4)).containsExactly(200, 200, 200, 503);
    // A configuration change that leaves the limits alone keeps the counters.
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          namespace: default
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          keep-alive-requests: "7"
        """);
    await().atMost(WAIT)
        .until(() -> runtime.currentSnapshot().settings().keepAliveRequests() == 7);
    assertThat(statuses("burst.localhost", "/c", 1)).containsExactly(503);
  }

  @Test
  void theLimitCountsBeforeAuthenticationSoAFloodNeverReachesTheAuthService() throws Exception {
    // ingress-nginx: limit_req runs in nginx's preaccess phase, before auth_basic and
    // auth_request (access phase). Three requests (1 + a burst of 2) are asked about; the rest
    // are refused by the limit without a subrequest.
    assertThat(statuses("guarded.localhost", "/", 5)).containsExactly(401, 401, 401, 503, 503);
    assertThat(refusing.requests()).isEqualTo(3);
    assertThat(echo.requests()).isZero();
  }

  @Test
  void aClientTheAllowListRefusesNeverCausesAnAuthSubrequest() throws Exception {
    // The allow-list is a return 403 of nginx's rewrite phase in ingress-nginx: before limits
    // and authentication. The test client (loopback) is outside 192.0.2.0/24.
    assertThat(statuses("listed.localhost", "/", 3)).containsExactly(403, 403, 403);
    assertThat(refusing.requests()).isZero();
    assertThat(echo.requests()).isZero();
  }

  @Test
  void whitelistedAddressesAreNotLimited() throws Exception {
    assertThat(statuses("exempt.localhost", "/", 5)).containsOnly(200);
  }

  @Test
  void limitConnectionsRefusesASecondRequestInFlightAndReleasesAtTheEnd() throws Exception {
    try (RawHttpConnection first = RawHttpConnection.open(runtime.proxyPort())) {
      first.get("conn.localhost", "/slow");
      await().atMost(WAIT).until(() -> held.requests() == 1);
      assertThat(statuses("conn.localhost", "/again", 1)).containsExactly(503);
      gate.complete(null);
      assertThat(first.read().status()).isEqualTo(200);
    }
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(statuses("conn.localhost", "/later", 1)).containsExactly(200));
    assertThat(held.requests()).isEqualTo(2);
  }

  @Test
  void withTheKeyRefusalsAre429AndClientsBehindProxyProtocolAreCountedApart()
      throws Exception {
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          namespace: default
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          use-proxy-protocol: "true"
          limit-req-status-code: "429"
        """);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().useProxyProtocol()
        && runtime.currentSnapshot().settings().limitStatus().request() == 429);
    assertThat(proxied("192.0.2.7", 4)).containsExactly(200, 200, 200, 429);
    // Another client address has a full burst of its own.
    assertThat(proxied("192.0.2.8", 4)).containsExactly(200, 200, 200, 429);
    assertThat(proxied("192.0.2.7", 1)).containsExactly(429);
  }

  /** {@code n} requests to the burst host, each on a connection claiming {@code client}. */
  private List<Integer> proxied(String client, int n) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        c.send("PROXY TCP4 " + client + " 127.0.0.1 4711 80\r\n"
            + "GET / HTTP/1.1\r\nHost: burst.localhost\r\n\r\n");
        out.add(c.read().status());
      }
    }
    return out;
  }

  private String manifest() {
    String twoPerMinute = "    nginx.ingress.kubernetes.io/limit-rpm: \"1\"\n"
        + "    nginx.ingress.kubernetes.io/limit-burst-multiplier: \"2\"\n";
    return TestManifests.ingress("burst", "echo", twoPerMinute)
        + TestManifests.ingress("other", "echo", twoPerMinute)
        + TestManifests.ingress("exempt", "echo", "    nginx.ingress.kubernetes.io/limit-rpm: \"1\"\n"
            + "    nginx.ingress.kubernetes.io/limit-burst-multiplier: \"0\"\n"
            + "    nginx.ingress.kubernetes.io/limit-whitelist: \"10.0.0.0/8, 127.0.0.0/8\"\n")
        + TestManifests.ingress("guarded", "echo", twoPerMinute
            + "    nginx.ingress.kubernetes.io/auth-url: \"http://127.0.0.1:" + refusing.port()
            + "/auth\"\n")
        + TestManifests.ingress("listed", "echo", twoPerMinute
            + "    nginx.ingress.kubernetes.io/whitelist-source-range: \"192.0.2.0/24\"\n"
            + "    nginx.ingress.kubernetes.io/auth-url: \"http://127.0.0.1:" + refusing.port()
            + "/auth\"\n")
        + TestManifests.ingress("conn", "held", "    nginx.ingress.kubernetes.io/limit-connections: \"1\"\n")
        + TestManifests.service("echo", echo.port()) + TestManifests.service("held", held.port());
  }
}
