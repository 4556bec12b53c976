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
      Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
      if (existing == null) {
        // Create only: a key created meanwhile by another leader must not be overwritten.
        client.secrets().inNamespace(namespace).resource(secret).create();
      } else if (SecretCertificateStorage.data(existing, KEY).isBlank()) {
        // A Secret made ahead without the key (e.g. by a chart): fill it in. Its
        // resourceVersion makes a concurrent fill fail rather than be overwritten.
        Map<String, String> data = new java.util.HashMap<>(
            existing.getData() == null ? Map.of() : existing.getData());
        data.putAll(secret.getData());
        existing.setData(data);
        client.secrets().inNamespace(namespace).resource(existing).update();
      } else {
        throw new IOException("Secret " + namespace + "/" + name + " got an account key"
            + " meanwhile (another leader?); the next order uses it");
      }
    } catch (KubernetesClientException e) {
      throw new IOException("cannot write Secret " + namespace + "/" + name + ": "
          + e.getMessage() + " (RBAC: secrets create/update in " + namespace + "?)", e);
    }
  }
}
