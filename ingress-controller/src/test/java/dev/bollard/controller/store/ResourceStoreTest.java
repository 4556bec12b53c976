package dev.bollard.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceStoreTest {

  @Test
  void indexesEachKindByNamespaceAndName() {
    ResourceStore store =
        ResourceStore.of(
            List.of(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("web")
                    .endMetadata()
                    .build(),
                new EndpointsBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("web")
                    .endMetadata()
                    .build(),
                new SecretBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("tls")
                    .endMetadata()
                    .build(),
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withNamespace("ops")
                    .withName("v1")
                    .endMetadata()
                    .build(),
                new IngressClassBuilder()
                    .withNewMetadata()
                    .withName("bollard")
                    .endMetadata()
                    .build()));

    assertThat(store.service("shop", "web")).isPresent();
    assertThat(store.service("other", "web")).isEmpty();
    assertThat(store.endpoints("shop", "web")).isPresent();
    assertThat(store.secret("shop", "tls")).isPresent();
    assertThat(store.configMap("ops", "v1")).isPresent();
    assertThat(store.configMap("shop", "v1")).isEmpty();
    assertThat(store.ingressClass("bollard")).isPresent();
  }

  @Test
  void findsSlicesByTheirServiceLabelSortedByName() {
    ResourceStore store =
        ResourceStore.of(
            List.of(
                slice("shop", "web-b", "web"),
                slice("shop", "web-a", "web"),
                slice("shop", "api-a", "api"),
                slice("other", "web-c", "web"),
                new EndpointSliceBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("unlabelled")
                    .endMetadata()
                    .build()));

    assertThat(store.endpointSlices("shop", "web"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("web-a", "web-b");
    assertThat(store.endpointSlices("shop", "nothing")).isEmpty();
  }

  @Test
  void sortsIngressesPutsTheNamespacelessInDefaultAndKeepsTheLaterDuplicate() {
    ResourceStore store =
        ResourceStore.of(
            List.of(
                ingress("shop", "b", "first"),
                ingress(null, "z", "x"),
                ingress("shop", "a", "x"),
                ingress("shop", "b", "second"),
                new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()));

    assertThat(store.ingresses())
        .extracting(i -> ResourceStore.namespaceOf(i) + "/" + i.getMetadata().getName())
        .containsExactly("default/z", "shop/a", "shop/b");
    assertThat(store.ingresses().get(2).getSpec().getIngressClassName()).isEqualTo("second");
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice(
      String namespace, String name, String service) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels(ResourceStore.SERVICE_NAME_LABEL, service)
        .endMetadata()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(
      String namespace, String name, String className) {
    return new IngressBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(className)
        .endSpec()
        .build();
  }
}
