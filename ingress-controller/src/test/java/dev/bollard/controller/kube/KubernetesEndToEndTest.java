package dev.bollard.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.cli.ProxyProcess;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.settings.ConfigFamily;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes wiring end to end: fabric8's mock API server (CRUD mode), real echo backends, a
 * real proxy listener, requests over TCP.
 */
class KubernetesEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String NS = ShopObjects.NS;

  private MockCluster cluster;
  private KubernetesClient api;
  private ShopObjects shop;
  private EchoBackend blue;
  private EchoBackend green;
  private final List<ProxyProcess> runtimes = new ArrayList<>();

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new MockCluster();
    api = cluster.client();
    shop = new ShopObjects(api);
    blue = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "blue");
    green = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "green");
  }

  @AfterEach
  void stop() {
    runtimes.forEach(ProxyProcess::close);
    api.close();
    cluster.close();
    blue.close();
    green.close();
  }

  @Test
  void trafficFollowsIngressesServicesAndSlices() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo");
    ProxyProcess runtime = startRuntime("one");

    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 200"));
    assertThat(get(runtime.proxyPort(), "demo.localhost", "/a")).contains("\"server\": \"blue\"");

    shop.createSlice("echo", green.port());
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/a"))
            .contains("\"server\": \"green\""));

    shop.createIngress("demo", "other.localhost", "echo");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/a"))
            .startsWith("HTTP/1.1 404"));
    assertThat(get(runtime.proxyPort(), "other.localhost", "/")).contains("\"server\": \"green\"");

    api.services().inNamespace(NS).withName("echo").delete();
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "other.localhost", "/"))
            .startsWith("HTTP/1.1 404"));
  }

  @Test
  void configVersionsAreAppliedRefusedAndRolledBack() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo");
    createConfig(1, Map.of("proxy-body-size", "10"));
    ProxyProcess runtime = startRuntime("one");

    await().atMost(WAIT).untilAsserted(
        () -> assertThat(post(runtime.proxyPort(), 11)).startsWith("HTTP/1.1 413"));
    assertThat(post(runtime.proxyPort(), 10)).startsWith("HTTP/1.1 200");
    assertThat(runtime.status().activeConfigVersion()).isEqualTo(1);

    // Version 2 is broken in two keys: refused whole, version 1 keeps serving.
    createConfig(2, Map.of("proxy-body-size", "lots", "proxy-read-timeout", "-1",
        "keep-alive", "30"));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.adminPort(), "x", "/status"))
            .contains("\"refused\":[{\"configMap\":\"shop/bollard-v2\"")
            .contains("key proxy-body-size", "key proxy-read-timeout"));
    assertThat(post(runtime.proxyPort(), 11)).startsWith("HTTP/1.1 413");
    assertThat(runtime.status().activeConfigVersion()).isEqualTo(1);
    await().atMost(WAIT).until(() -> !shop.eventsOn("bollard-v2", "ConfigRefused").isEmpty());

    // Version 3 is valid: it wins.
    createConfig(3, Map.of("proxy-body-size", "1m"));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(post(runtime.proxyPort(), 11)).startsWith("HTTP/1.1 200"));

    // Rolling back is deleting it.
    api.configMaps().inNamespace(NS).withName("bollard-v3").delete();
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(post(runtime.proxyPort(), 11)).startsWith("HTTP/1.1 413"));
    assertThat(runtime.status().activeConfigVersion()).isEqualTo(1);
  }

  @Test
  void editsOfTheConfigMapsOfProxySetHeadersAndAddHeadersApply() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo");
    headerMap("upstream-headers", Map.of("X-Edge", "one"));
    createConfig(1, Map.of("proxy-set-headers", NS + "/upstream-headers",
        "add-headers", NS + "/response-headers"));
    ProxyProcess runtime = startRuntime("one");

    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .contains("\"X-Edge\": \"one\"").doesNotContainIgnoringCase("x-frame-options"));

    // Neither ConfigMap is named by an Ingress: only the config version refers to them.
    headerMap("upstream-headers", Map.of("X-Edge", "two"));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .contains("\"X-Edge\": \"two\""));
    headerMap("response-headers", Map.of("X-Frame-Options", "DENY"));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .containsIgnoringCase("x-frame-options: DENY"));
    api.configMaps().inNamespace(NS).withName("response-headers").delete();
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .doesNotContainIgnoringCase("x-frame-options"));
  }

  private void headerMap(String name, Map<String, String> data) {
    ShopObjects.upsert(api.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(name).endMetadata().withData(data).build()));
  }

  @Test
  void onlyTheLeaderWritesStatusAndItIsClearedWhenTheIngressLeaves() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo");
    ProxyProcess one = startRuntime("one");
    ProxyProcess two = startRuntime("two");

    await().atMost(WAIT).until(() -> one.isLeader() || two.isLeader());
    assertThat(one.isLeader() && two.isLeader()).isFalse();
    await().atMost(WAIT).until(() -> statusOf("demo").equals(List.of("10.0.0.7")));
    ProxyProcess follower = one.isLeader() ? two : one;
    assertThat(follower.status().leader()).isFalse();

    shop.createIngress("demo", "demo.localhost", "echo", "someone-else", Map.of());
    await().atMost(WAIT).until(() -> statusOf("demo").isEmpty());
  }

  @Test
  void aBrokenIngressGetsOneEvent() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("broken", "broken.localhost", "missing");
    ProxyProcess runtime = startRuntime("one");

    await().atMost(WAIT).until(() -> shop.eventsOn("broken", "TranslationProblem").size() == 1);
    // More rebuilds with the same problem write no more Events.
    shop.createIngress("demo", "demo.localhost", "echo");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/")).contains("blue"));
    // Events are written in the order they are recorded: once a problem found after those
    // rebuilds has its Event, anything they recorded has been written too.
    shop.createIngress("later", "later.localhost", "missing-too");
    await().atMost(WAIT).until(() -> shop.eventsOn("later", "TranslationProblem").size() == 1);
    assertThat(shop.eventsOn("broken", "TranslationProblem")).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1))
        .satisfies(e -> assertThat(e.getMessage()).contains("missing"));
  }

  @Test
  void aBurstOfIngressesIsAHandfulOfRebuildsAndUnrelatedObjectsNone() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    ProxyProcess runtime = startRuntime("one");
    await().atMost(WAIT).until(() -> runtime.status().rebuilds() >= 1);
    long before = runtime.status().rebuilds();

    // "At once", as a kubectl apply of a big directory or a Helm release would: 16 writers.
    ExecutorService writers = Executors.newFixedThreadPool(16);
    try {
      List<Callable<Void>> creates = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        creates.add(() -> {
          shop.createIngress("burst-" + n, "h" + n + ".localhost", "echo");
          return null;
        });
      }
      for (Future<Void> created : writers.invokeAll(creates)) {
        created.get();
      }
    } finally {
      writers.shutdownNow();
    }
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "h999.localhost", "/")).contains("blue"));
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().virtualHosts().size() == 1000);
    // Events arriving closer together than the hold-off share one rebuild, and the maximum delay
    // forces one at least every 300 ms while they keep coming: a few rebuilds, never one per
    // Ingress.
    assertThat(runtime.status().rebuilds() - before).isBetween(1L, 100L);

    // Let the burst's tail and the leader's first rebuild settle.
    await().atMost(WAIT).until(runtime::isLeader);
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(500))
        .until(() -> seen.getAndSet(runtime.status().rebuilds()) == runtime.status().rebuilds());
    long settled = runtime.status().rebuilds();
    api.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName("unrelated").endMetadata().withData(Map.of("k", "dmFsdWU=")).build()).create();
    api.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("unrelated").endMetadata().withData(Map.of("k", "v")).build()).create();
    shop.createService("unreferenced");
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
        .until(() -> runtime.status().rebuilds() == settled);
  }

  @Test
  void aCustomHeadersConfigMapIsFollowedLikeTheIngressesItServes() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo", "bollard",
        Map.of("nginx.ingress.kubernetes.io/custom-headers", "edge-headers"));
    ProxyProcess runtime = startRuntime("one");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/")).contains("blue"));
    // Named but missing: the Ingress is served without the headers, and the problem is reported.
    assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
        .doesNotContainIgnoringCase("X-Frame-Options");
    await().atMost(WAIT).until(() -> !shop.eventsOn("demo", "TranslationProblem").isEmpty());

    Resource<ConfigMap> headers = api.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("edge-headers").endMetadata()
        .withData(Map.of("X-Frame-Options", "DENY")).build());
    ShopObjects.upsert(headers);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .containsIgnoringCase("X-Frame-Options: DENY"));

    ShopObjects.upsert(api.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("edge-headers").endMetadata()
        .withData(Map.of("X-Frame-Options", "SAMEORIGIN")).build()));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .containsIgnoringCase("X-Frame-Options: SAMEORIGIN"));

    headers.delete();
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/"))
            .contains("blue").doesNotContainIgnoringCase("X-Frame-Options"));
  }

  @Test
  void trafficSurvivesTheApiServerGoingAwayAndFollowsAgainWhenItIsBack() throws Exception {
    shop.createService("echo");
    shop.createSlice("echo", blue.port());
    shop.createIngress("demo", "demo.localhost", "echo");
    ProxyProcess runtime = startRuntime("one");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/")).contains("blue"));

    cluster.stop();
    await().atMost(WAIT).until(() -> !runtime.status().watchesHealthy());
    assertThat(get(runtime.proxyPort(), "demo.localhost", "/")).contains("blue");
    assertThat(get(runtime.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 200");

    cluster.restart();
    await().atMost(WAIT).until(() -> runtime.status().watchesHealthy());
    shop.createIngress("demo", "again.localhost", "echo");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "again.localhost", "/")).contains("blue"));
    assertThat(runtime.status().watchFailures()).isPositive();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private ProxyProcess startRuntime(String identity) throws InterruptedException {
    ProxyProcess runtime = KubernetesFixture.start(cluster,
        // Generous timings: the burst below keeps the mock API server busy for seconds, and a
        // leader whose renewal takes longer than the renew deadline rightly stops acting (each
        // new start is a rebuild). Failover is LeaderElectionFaultTest's subject.
        new LeaderElection.Settings(
            NS, "bollard-leader", identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
            Duration.ofMillis(500)),
        new WriteSettings(0, 0, Duration.ZERO));
    runtimes.add(runtime);
    return runtime;
  }

  private void createConfig(int version, Map<String, String> data) {
    ConfigMap map = new ConfigMapBuilder()
        .withNewMetadata().withName("bollard-v" + version)
        .withLabels(Map.of(ConfigFamily.CONFIG_LABEL, "bollard",
            ConfigFamily.VERSION_LABEL, String.valueOf(version)))
        .endMetadata().withImmutable(true).withData(data).build();
    api.configMaps().inNamespace(NS).resource(map).create();
  }

  private List<String> statusOf(String ingress) {
    Ingress i = api.network().v1().ingresses().inNamespace(NS).withName(ingress).get();
    if (i == null || i.getStatus() == null || i.getStatus().getLoadBalancer() == null
        || i.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return i.getStatus().getLoadBalancer().getIngress().stream().map(a -> a.getIp()).toList();
  }

  private static String get(int port, String host, String path) throws IOException {
    return exchange(port,
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  private static String post(int port, int bodyBytes) throws IOException {
    return exchange(port,
        "POST /upload HTTP/1.1\r\nHost: demo.localhost\r\nConnection: close\r\nContent-Length: "
            + bodyBytes + "\r\n\r\n" + "x".repeat(bodyBytes));
  }

  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
