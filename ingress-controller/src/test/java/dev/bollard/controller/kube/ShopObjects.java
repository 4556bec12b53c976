package dev.bollard.controller.kube;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The objects of the Kubernetes end-to-end tests, in namespace {@code shop}, written through a
 * client of a {@link MockCluster} as {@code kubectl apply} would, and the Events read back.
 */
final class ShopObjects {

  static final String NS = "shop";

  private final KubernetesClient api;

  ShopObjects(KubernetesClient api) {
    this.api = api;
  }

  /**
   * Create or update: an update can lose a race with the leader's own status write (409
   * Conflict), and is then simply tried again.
   */
  static <T extends HasMetadata> void upsert(Resource<T> resource) {
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> resource.createOr(r -> r.update()) != null);
  }

  /** Service {@code NAME}, port 80 named {@code http}. */
  void createService(String name) {
    upsert(api.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()));
  }

  /** The Service's one slice, {@code SERVICE-1}: 127.0.0.1 ready, port {@code http}. */
  void createSlice(String service, int port) {
    upsert(api.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(service, port)
        .build()));
  }

  /**
   * {@link #createSlice(String, int)} with a port {@code unused} as well: varying only that port
   * changes the slice, to cause a rebuild.
   */
  void createSlice(String service, int port, int unusedPort) {
    upsert(api.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(service, port)
        .addNewPort().withName("unused").withPort(unusedPort).endPort()
        .build()));
  }

  private static EndpointSliceBuilder slice(String service, int port) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withName(service + "-1")
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true)
        .endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(port).endPort();
  }

  /** Ingress {@code NAME} of class {@code bollard}: {@code host}, {@code /} to {@code service}:80. */
  void createIngress(String name, String host, String service) {
    createIngress(name, host, service, "bollard", Map.of());
  }

  /** Ingress {@code NAME} of {@code className}: {@code host}, {@code /} to {@code service}:80. */
  void createIngress(
      String name, String host, String service, String className, Map<String, String> annotations) {
    upsert(api.network().v1().ingresses().inNamespace(NS).resource(new IngressBuilder()
        .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
        .withNewSpec().withIngressClassName(className)
        .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName(service)
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build()));
  }

  /** The Events about object {@code name} with {@code reason}. */
  List<Event> eventsOn(String name, String reason) {
    return api.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
