package dev.bollard.controller.kube;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.cli.KubernetesSettings;
import dev.bollard.controller.cli.ProxyProcess;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
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
  private static final String NS = "shop";
  private static final String STATUS_WRITE =
      "(PUT|PATCH) /apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses/[^/?]+/status.*";

  private MockCluster cluster;
  private KubernetesClient api;
  private EchoBackend blue;
  private final List<ProxyProcess> runtimes = new ArrayList<>();

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new MockCluster();
    api = cluster.client();
    blue = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "blue");
    createService("echo");
    createSlice("echo", blue.port(), 80);
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
      createSlice("echo", blue.port(), 80 + i);
      await().atMost(WAIT).until(() -> runtime.status().rebuilds() > before);
    }
    await().atMost(WAIT).until(() -> withStatus("many") == 200);
    long before = runtime.status().rebuilds();
    createSlice("echo", blue.port(), 80);
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

    createIngress("broken", "broken.localhost", "missing");

    await().atMost(WAIT).until(() -> !eventsOn("broken", "TranslationProblem").isEmpty());
    // At 20 writes a second the 200 statuses take ten seconds: the Event did not wait for them.
    assertThat(withStatus("many")).isLessThan(200);
  }

  @Test
  void aRepeatedProblemUpdatesOneEventsCount() throws Exception {
    ProxyProcess runtime = startRuntime(200);
    await().atMost(WAIT).until(runtime::isLeader);
    createIngress("broken", "broken.localhost", "missing");
    await().atMost(WAIT).until(() -> eventsOn("broken", "TranslationProblem").size() == 1);

    // Fixed, then broken again the same way.
    createService("missing");
    createSlice("missing", blue.port(), 80);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "broken.localhost", "/")).contains("blue"));
    api.services().inNamespace(NS).withName("missing").delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOn("broken", "TranslationProblem"))
        .singleElement().extracting(Event::getCount).isEqualTo(2));
  }

  @Test
  void aServiceCreatedShortlyAfterItsIngressGetsNoEvent() throws Exception {
    ProxyProcess runtime = startRuntime(200);
    await().atMost(WAIT).until(runtime::isLeader);

    // The Ingress arrives first: the controller publishes it with its Service missing.
    createIngress("late", "late.localhost", "late");
    await().atMost(WAIT).until(() -> get(runtime.adminPort(), "x", "/metrics")
        .contains("\nbollard_problems 1.0"));
    createService("late");
    createSlice("late", blue.port(), 80);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "late.localhost", "/")).contains("blue"));

    // A problem that stays, seen after the first: once its Event is written, the first one's
    // would have been too.
    createIngress("broken", "broken.localhost", "missing");
    await().atMost(WAIT).until(() -> !eventsOn("broken", "TranslationProblem").isEmpty());
    assertThat(eventsOn("late", "TranslationProblem")).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private ProxyProcess startRuntime(int statusWritesPerSecond) throws InterruptedException {
    KubernetesSettings settings =
        new KubernetesSettings(
            ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
            SettingValues.DEFAULTS,
            new InetSocketAddress(LOOPBACK, 0),
            IngressClassSelection.defaults(),
            List.of(),
            new ConfigFamily(NS, "bollard"),
            -1,
            null,
            List.of("10.0.0.7"),
            new LeaderElection.Settings(
                NS, "bollard-leader", "one", Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofMillis(200)),
            new WriteSettings(statusWritesPerSecond, 0, Duration.ofSeconds(3)),
            Duration.ofMillis(50),
            Duration.ofMillis(300),
            Duration.ofMillis(100));
    ProxyProcess runtime =
        ProxyProcess.start(settings.source(cluster.client()), settings.process());
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
          createIngress(prefix + "-" + n, prefix + n + ".localhost", "echo");
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

  /** Create or update; an update losing a race with the leader's status write is tried again. */
  private static <T extends HasMetadata> void upsert(Resource<T> resource) {
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> resource.createOr(r -> r.update()) != null);
  }

  private void createService(String name) {
    upsert(api.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()));
  }

  /** The Service's one slice; {@code servicePort} only varies the slice, to cause a rebuild. */
  private void createSlice(String service, int port, int servicePort) {
    upsert(api.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(service + "-1")
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true)
        .endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(port).endPort()
        .addNewPort().withName("unused").withPort(servicePort).endPort()
        .build()));
  }

  private void createIngress(String name, String host, String service) {
    upsert(api.network().v1().ingresses().inNamespace(NS).resource(new IngressBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName(service)
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build()));
  }

  private static String get(int port, String host, String path) throws IOException {
    return RawHttp.get(port, host, path);
  }

  private List<Event> eventsOn(String name, String reason) {
    return api.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
