package dev.bollard.controller.certs;

import dev.bollard.acme.AccountKeyStorage;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** The ACME account key pair in an Opaque Secret ({@code --acme-account-secret}), key {@code account.key}. */
final class SecretAccountKeyStorage implements AccountKeyStorage {

  static final String KEY = "account.key";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  SecretAccountKeyStorage(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public Optional<String> load() throws IOException {
    try {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) {
        return Optional.empty();
      }
      String pem = SecretCertificateStorage.data(secret, KEY);
      return pem.isBlank() ? Optional.empty() : Optional.of(pem);
    } catch (KubernetesClientException e) {
      throw new IOException("cannot read Secret " + namespace + "/" + name + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void store(String keyPairPem) throws IOException {
    Secret secret = new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().withType("Opaque")
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(
            keyPairPem.getBytes(StandardCharsets.US_ASCII))))
        .build();
    try {
      // Create only: a key created meanwhile by another leader must not be overwritten.
      client.secrets().inNamespace(namespace).resource(secret).create();
    } catch (KubernetesClientException e) {
      throw new IOException("cannot create Secret " + namespace + "/" + name + ": "
          + e.getMessage(), e);
    }
  }
}
