package dev.bollard.controller.source.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.Test;

/** The Secrets an Ingress refers to decide which Secret events cause a rebuild. */
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
}
