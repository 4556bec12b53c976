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
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
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
  private MockCluster cluster;
  private KubernetesClient api;
  private List<SnapshotPublisher.Listener> writers;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    api = cluster.client();
    EventRecorder events = new EventRecorder(api, INLINE, leading::get, "test");
    writers = List.of(
        new ProblemEvents(events, leading::get),
        new ConfigEvents(events),
        new IngressStatusWriter(api, INLINE, leading::get));
  }

  @AfterEach
  void stop() {
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

    // Leading again: the problems that exist now are owed an Event, both of them.
    leading.set(true);
    publish(translate(current(world), second.config().next()));
    assertThat(reasons()).filteredOn("TranslationProblem"::equals).hasSize(3);
    assertThat(statusOf("broken-two")).containsExactly("10.0.0.7");
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
