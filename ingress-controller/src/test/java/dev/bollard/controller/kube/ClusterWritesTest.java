package dev.bollard.controller.kube;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.cli.ProxyProcess;
import dev.bollard.controller.echo.EchoBackend;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the leader writes to the API server at scale, end to end against fabric8's mock API server
 * (CRUD mode, every request noted): Ingress status once per Ingress and change, Events on their own
 * queue and aggregated, and no Event for a reference the caches had not caught up with yet.
 */
class ClusterWritesTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = ShopObjects.NS;
  private static final String STATUS_WRITE =
      "(PUT|PATCH) /apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses/[^/?]+/status.*";

  private MockCluster cluster;
  private KubernetesClient api;
  private ShopObjects shop;
  private EchoBackend blue;
  private final List<ProxyProcess> runtimes = new ArrayList<>();

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new MockCluster();
    api = cluster.client();
    shop = new ShopObjects(api);
    blue = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "blue");
    shop.createService("echo");
    shop.createSlice("echo", blue.port(), 80);
  }

  @AfterEach
  void stop() {
    runtimes.forEach(ProxyProcess::close);
    api.close();
    cluster.close();
    blue.close();
  }

  @Test
  void eachIngressStatusIsWrittenOnceThroughManyRebuilds() throws Exception {
    ProxyProcess runtime = startRuntime(200);
    await().atMost(WAIT).until(runtime::isLeader);

    createIngresses("many", 200);
    // Rebuilds while the status writes are under way, each seeing the caches at some point of
    // catching up with them.
    for (int i = 1; i <= 6; i++) {
      long before = runtime.status().rebuilds();
      shop.createSlice("echo", blue.port(), 80 + i);
      await().atMost(WAIT).until(() -> runtime.status().rebuilds() > before);
    }
    await().atMost(WAIT).until(() -> withStatus("many") == 200);
    long before = runtime.status().rebuilds();
    shop.createSlice("echo", blue.port(), 80);
    await().atMost(WAIT).until(() -> runtime.status().rebuilds() > before);

    await().atMost(WAIT).during(Duration.ofMillis(500))
        .until(() -> statusWrites().values().stream().mapToLong(Long::longValue).sum() >= 200);
    assertThat(statusWrites()).hasSize(200).allSatisfy((ingress, writes) ->
        assertThat(writes).as("status writes of %s", ingress).isEqualTo(1));
  }

  @Test
  void aProblemEventAppearsPromptlyWhileStatusWritesAreBacklogged() throws Exception {
    ProxyProcess runtime = startRuntime(20);
    await().atMost(WAIT).until(runtime::isLeader);
    createIngresses("many", 200);
    await().atMost(WAIT).until(() -> withStatus("many") > 0);

    shop.createIngress("broken", "broken.localhost", "missing");

    await().atMost(WAIT).until(() -> !shop.eventsOn("broken", "TranslationProblem").isEmpty());
    // At 20 writes a second the 200 statuses take ten seconds: the Event did not wait for them.
    assertThat(withStatus("many")).isLessThan(200);
  }

  @Test
  void aRepeatedProblemUpdatesOneEventsCount() throws Exception {
    ProxyProcess runtime = startRuntime(200);
    await().atMost(WAIT).until(runtime::isLeader);
    shop.createIngress("broken", "broken.localhost", "missing");
    await().atMost(WAIT).until(() -> shop.eventsOn("broken", "TranslationProblem").size() == 1);

    // Fixed, then broken again the same way.
    shop.createService("missing");
    shop.createSlice("missing", blue.port(), 80);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "broken.localhost", "/")).contains("blue"));
    api.services().inNamespace(NS).withName("missing").delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(shop.eventsOn("broken", "TranslationProblem"))
        .singleElement().extracting(Event::getCount).isEqualTo(2));
  }

  @Test
  void aServiceCreatedShortlyAfterItsIngressGetsNoEvent() throws Exception {
    ProxyProcess runtime = startRuntime(200);
    await().atMost(WAIT).until(runtime::isLeader);

    // The Ingress arrives first: the controller publishes it with its Service missing.
    shop.createIngress("late", "late.localhost", "late");
    await().atMost(WAIT).until(() -> get(runtime.adminPort(), "x", "/metrics")
        .contains("\nbollard_problems 1.0"));
    shop.createService("late");
    shop.createSlice("late", blue.port(), 80);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "late.localhost", "/")).contains("blue"));

    // A problem that stays, seen after the first: once its Event is written, the first one's
    // would have been too.
    shop.createIngress("broken", "broken.localhost", "missing");
    await().atMost(WAIT).until(() -> !shop.eventsOn("broken", "TranslationProblem").isEmpty());
    assertThat(shop.eventsOn("late", "TranslationProblem")).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private ProxyProcess startRuntime(int statusWritesPerSecond) throws InterruptedException {
    ProxyProcess runtime = KubernetesFixture.start(cluster,
        new LeaderElection.Settings(
            NS, "bollard-leader", "one", Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(200)),
        new WriteSettings(statusWritesPerSecond, 0, Duration.ofSeconds(3)));
    runtimes.add(runtime);
    return runtime;
  }

  /** Status writes per Ingress, from the API server's request log. */
  private Map<String, Long> statusWrites() {
    return cluster.requests().stream()
        .filter(r -> r.matches(STATUS_WRITE))
        .map(r -> r.replaceFirst(".*/ingresses/([^/?]+)/status.*", "$1"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  private long withStatus(String prefix) {
    return api.network().v1().ingresses().inNamespace(NS).list().getItems().stream()
        .filter(i -> i.getMetadata().getName().startsWith(prefix))
        .filter(i -> i.getStatus() != null && i.getStatus().getLoadBalancer() != null
            && i.getStatus().getLoadBalancer().getIngress() != null
            && !i.getStatus().getLoadBalancer().getIngress().isEmpty())
        .count();
  }

  private void createIngresses(String prefix, int count) throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Void>> creates = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        creates.add(() -> {
          shop.createIngress(prefix + "-" + n, prefix + n + ".localhost", "echo");
          return null;
        });
      }
      for (Future<Void> created : writers.invokeAll(creates)) {
        created.get();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  private static String get(int port, String host, String path) throws IOException {
    return RawHttp.get(port, host, path);
  }

}
