package dev.bollard.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.IngressStatusPlan;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader-only listeners act on published results only, and only while leading: fabric8's mock
 * API server (CRUD mode), results from the real translator, writes run inline.
 */
class LeaderOnlyWritersTest {

  private static final String NS = "shop";
  private static final Executor INLINE = Runnable::run;

  private final AtomicBoolean leading = new AtomicBoolean();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private MockCluster cluster;
  private KubernetesClient api;
  private EventRecorder events;
  private List<SnapshotPublisher.Listener> writers;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    api = cluster.client();
    events = new EventRecorder(api, INLINE, leading::get, "test");
    writers = List.of(
        new ProblemEvents(events, leading::get, Duration.ZERO, timer),
        new ConfigEvents(events),
        new IngressStatusWriter(api, INLINE, leading::get, this::fromApi, 0));
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
    api.close();
    cluster.close();
  }

  @Test
  void aFollowerWritesNothing() {
    List<HasMetadata> world = createWorld();

    publish(translate(world));

    assertThat(api.v1().events().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(statusOf("demo")).isEmpty();
  }

  @Test
  void theLeaderWritesStatusProblemAndConfigEventsOnce() {
    List<HasMetadata> world = createWorld();
    leading.set(true);

    TranslationResult first = translate(world);
    publish(first);

    assertThat(statusOf("demo")).containsExactly("10.0.0.7");
    assertThat(reasons()).containsExactlyInAnyOrder(
        "TranslationProblem", "ConfigActivated", "ConfigRefused");

    // The next rebuild passes the config history on and sees the status it wrote: nothing new.
    TranslationResult second = translate(current(world), first.config().next());
    assertThat(second.status().updates()).isEmpty();
    publish(second);
    assertThat(reasons()).hasSize(3);
  }

  @Test
  void aReplicaThatStopsLeadingStopsWritingAndReportsWhatExistsWhenItLeadsAgain() {
    List<HasMetadata> world = createWorld();
    leading.set(true);
    TranslationResult first = translate(world);
    publish(first);
    assertThat(reasons()).hasSize(3);

    leading.set(false);
    world.add(api.network().v1().ingresses().inNamespace(NS).resource(ingress("broken-two"))
        .create());
    TranslationResult second = translate(current(world), first.config().next());
    publish(second);
    assertThat(reasons()).hasSize(3);

    // Leading again: the problems that exist now are owed an Event, both of them; the one
    // reported before is counted on its Event.
    leading.set(true);
    publish(translate(current(world), second.config().next()));
    assertThat(api.v1().events().inNamespace(NS).list().getItems())
        .filteredOn(e -> e.getReason().equals("TranslationProblem"))
        .extracting(e -> e.getInvolvedObject().getName() + " x" + e.getCount())
        .containsExactlyInAnyOrder("broken x2", "broken-two x1");
    assertThat(statusOf("broken-two")).containsExactly("10.0.0.7");
  }

  @Test
  void anIngressPlannedByManyRebuildsBeforeItsWriteIsWrittenOnceWithTheLatestStatus() {
    List<HasMetadata> world = createWorld();
    leading.set(true);
    List<Runnable> queue = new ArrayList<>();
    IngressStatusWriter writer =
        new IngressStatusWriter(api, queue::add, leading::get, this::fromApi, 0);

    // Five rebuilds of the same world plan the same writes before the writer gets to them.
    TranslationResult result = translate(world);
    for (int i = 0; i < 5; i++) {
      writer.published(new Publication(1, true, ResourceStore.empty(), result));
    }
    // A sixth, after the address changed: the latest wins.
    TranslationResult moved = new SnapshotTranslator(
            IngressClassSelection.defaults(),
            new GlobalConfig(new ConfigFamily(NS, "bollard"), -1),
            new IngressStatusPlan.Address(null, List.of("10.0.0.8")))
        .translate(SourceRead.of(ResourceStore.of(world)), GlobalConfig.History.EMPTY);
    writer.published(new Publication(1, true, ResourceStore.empty(), moved));
    assertThat(queue).hasSize(2);
    queue.forEach(Runnable::run);

    assertThat(statusOf("demo")).containsExactly("10.0.0.8");
    assertThat(statusOf("broken")).containsExactly("10.0.0.8");
    assertThat(statusWrites()).isEqualTo(2);

    // Planned again from a world that does not show the write yet: the API's copy does.
    queue.clear();
    writer.published(new Publication(1, true, ResourceStore.empty(), moved));
    queue.forEach(Runnable::run);
    assertThat(statusWrites()).isEqualTo(2);
  }

  @Test
  void theSameEventRecordedAgainIsOneEventCountedTwice() {
    leading.set(true);
    RouteSource ingress = new RouteSource("Ingress", NS, "demo");

    events.record(ingress, true, "TranslationProblem", "spec: broken");
    events.record(ingress, true, "TranslationProblem", "spec: broken");
    events.record(ingress, true, "TranslationProblem", "spec: broken in another way");

    List<Event> all = api.v1().events().inNamespace(NS).list().getItems();
    assertThat(all).hasSize(2);
    assertThat(all).filteredOn(e -> e.getMessage().equals("spec: broken")).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(2));

    // Another recorder (the next leader) counts on the same Event.
    new EventRecorder(api, INLINE, leading::get, "next")
        .record(ingress, true, "TranslationProblem", "spec: broken");
    assertThat(api.v1().events().inNamespace(NS).list().getItems())
        .filteredOn(e -> e.getMessage().equals("spec: broken")).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(3));
  }

  @Test
  void occurrencesWaitingForTheirWriteAreOneWrite() {
    leading.set(true);
    List<Runnable> queue = new ArrayList<>();
    EventRecorder queued = new EventRecorder(api, queue::add, leading::get, "test");
    RouteSource ingress = new RouteSource("Ingress", NS, "demo");

    for (int i = 0; i < 10; i++) {
      queued.record(ingress, true, "TranslationProblem", "spec: broken");
    }
    assertThat(queue).hasSize(1);
    queue.forEach(Runnable::run);

    assertThat(api.v1().events().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(10));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static TranslationResult translate(List<HasMetadata> world) {
    return translate(world, GlobalConfig.History.EMPTY);
  }

  private static TranslationResult translate(
      List<HasMetadata> world, GlobalConfig.History history) {
    return new SnapshotTranslator(
            IngressClassSelection.defaults(),
            new GlobalConfig(new ConfigFamily(NS, "bollard"), -1),
            new IngressStatusPlan.Address(null, List.of("10.0.0.7")))
        .translate(SourceRead.of(ResourceStore.of(world)), history);
  }

  @Test
  void aStatusWriteTheApiServerDidNotTakeIsTriedAgainWithoutAnotherRebuild() {
    List<HasMetadata> world = createWorld();
    leading.set(true);
    try (KubernetesClient once = cluster.clientWithoutRetries()) {
      IngressStatusWriter writer = new IngressStatusWriter(
          once, INLINE, leading::get, this::fromApi, 0, Duration.ofMillis(50));
      cluster.refuse("PATCH /apis/networking.k8s.io/v1/namespaces/shop/ingresses/demo/status.*",
          2);

      writer.published(new Publication(1, true, ResourceStore.empty(), translate(world)));

      // Refused twice (an API server that cannot take writes), then written: no rebuild asked.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> statusOf("demo").equals(List.of("10.0.0.7")));
      assertThat(cluster.requests())
          .filteredOn(r -> r.matches("PATCH .*/ingresses/demo/status.*")).hasSize(3);
    }
  }

  private void publish(TranslationResult result) {
    Publication publication = new Publication(1, true, ResourceStore.empty(), result);
    writers.forEach(w -> w.published(publication));
  }

  /**
   * Two Ingresses of ours (one whose Service is missing), a Service, a valid and a refused config
   * version.
   */
  private List<HasMetadata> createWorld() {
    List<HasMetadata> world = new ArrayList<>();
    world.add(api.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create());
    world.add(api.network().v1().ingresses().inNamespace(NS).resource(ingress("demo")).create());
    world.add(api.network().v1().ingresses().inNamespace(NS).resource(ingress("broken")).create());
    world.add(api.configMaps().inNamespace(NS).resource(config(1, "2m")).create());
    world.add(api.configMaps().inNamespace(NS).resource(config(2, "lots")).create());
    return world;
  }

  /** The world as the API server has it now (with the status the leader wrote). */
  private List<HasMetadata> current(List<HasMetadata> world) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata r : world) {
      out.add(r instanceof Ingress
          ? api.network().v1().ingresses().inNamespace(NS).withName(r.getMetadata().getName()).get()
          : r);
    }
    return out;
  }

  private static Ingress ingress(String name) {
    return new IngressBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .addNewRule().withHost(name + ".localhost").withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService()
        .withName(name.startsWith("broken") ? "missing" : "web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build();
  }

  private static ConfigMap config(int version, String bodySize) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName("bollard-v" + version).withNamespace(NS)
        .withLabels(Map.of(ConfigFamily.CONFIG_LABEL, "bollard",
            ConfigFamily.VERSION_LABEL, String.valueOf(version)))
        .endMetadata().withData(Map.of("proxy-body-size", bodySize)).build();
  }

  private List<String> reasons() {
    return api.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  private Optional<Ingress> fromApi(String key) {
    String[] nsName = key.split("/");
    return Optional.ofNullable(
        api.network().v1().ingresses().inNamespace(nsName[0]).withName(nsName[1]).get());
  }

  private long statusWrites() {
    return cluster.requests().stream()
        .filter(r -> r.matches("(PUT|PATCH) .*/ingresses/[^/]+/status.*"))
        .count();
  }

  private List<String> statusOf(String ingress) {
    Ingress i = api.network().v1().ingresses().inNamespace(NS).withName(ingress).get();
    if (i.getStatus() == null || i.getStatus().getLoadBalancer() == null
        || i.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return i.getStatus().getLoadBalancer().getIngress().stream()
        .map(IngressLoadBalancerIngress::getIp)
        .toList();
  }
}
