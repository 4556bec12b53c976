package dev.bollard.controller.source.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Secrets and Services an Ingress refers to decide which Secret, Service and EndpointSlice
 * events cause a rebuild.
 */
class IngressReferencesTest {

  @Test
  void theUpstreamTlsSecretIsAReference() {
    Ingress ingress = new IngressBuilder()
        .withNewMetadata().withNamespace("shop").withName("api")
        .addToAnnotations("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS")
        .addToAnnotations("nginx.ingress.kubernetes.io/proxy-ssl-secret", " shop/upstream-mtls ")
        .endMetadata()
        .withNewSpec().addNewTl().withSecretName("api-tls").endTl().endSpec()
        .build();
    assertThat(IngressReferences.secrets(ingress))
        .containsExactly("shop/api-tls", "shop/upstream-mtls");
  }

  @Test
  void theDefaultBackendAnnotationsServiceIsAReference() {
    Ingress ingress = new IngressBuilder().withNewMetadata().withNamespace("shop").withName("web")
        .withAnnotations(Map.of("nginx.ingress.kubernetes.io/default-backend", "error-pages"))
        .endMetadata()
        .withNewSpec().withNewDefaultBackend().withNewService().withName("app").withNewPort()
        .withNumber(80).endPort().endService().endDefaultBackend().endSpec()
        .build();

    assertThat(IngressReferences.services(ingress)).containsExactly("shop/app", "shop/error-pages");
  }
}
