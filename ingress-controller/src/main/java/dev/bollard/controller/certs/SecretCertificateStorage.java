package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateStorage;
import dev.bollard.acme.RenewalState;
import dev.bollard.acme.StoredCertificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Certificates in the {@code kubernetes.io/tls} Secrets that Ingresses name ({@code tls.crt},
 * {@code tls.key}), with the order history in annotations: issuer, expiry, last attempt, failures,
 * next attempt and last error. Each write replaces the Secret in one request, so readers (every
 * replica's informer) see the old certificate or the new one.
 */
final class SecretCertificateStorage implements CertificateStorage {

  static final String PREFIX = "bollard.dev/acme-";
  static final String ISSUER = PREFIX + "issuer";
  static final String NOT_AFTER = PREFIX + "not-after";
  static final String LAST_ATTEMPT = PREFIX + "last-attempt";
  static final String FAILURES = PREFIX + "failures";
  static final String NEXT_ATTEMPT = PREFIX + "next-attempt";
  static final String LAST_ERROR = PREFIX + "last-error";
  static final String FINGERPRINT = PREFIX + "fingerprint";
  private static final String TLS_TYPE = "kubernetes.io/tls";

  private final KubernetesClient client;

  SecretCertificateStorage(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<StoredCertificate> load(String name) throws IOException {
    Secret secret = get(name);
    if (secret == null) {
      return Optional.empty();
    }
    String chain = data(secret, "tls.crt");
    String key = data(secret, "tls.key");
    @Nullable CertificateBundle bundle = null;
    if (!chain.isBlank() && !key.isBlank()) {
      try {
        bundle = CertificateBundle.parse(chain, key);
      } catch (IllegalArgumentException e) {
        // A broken Secret is replaced by the next order, like a missing one.
        bundle = null;
      }
    }
    return Optional.of(new StoredCertificate(bundle, renewal(annotations(secret))));
  }

  @Override
  public void storeCertificate(String name, CertificateBundle bundle, RenewalState renewal)
      throws IOException {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(ISSUER, bundle.issuer());
    annotations.put(NOT_AFTER, bundle.notAfter().toString());
    write(name, Map.of("tls.crt", bundle.chainPem(), "tls.key", bundle.privateKeyPem()),
        annotations, renewal);
  }

  @Override
  public void storeAttempt(String name, RenewalState renewal) throws IOException {
    write(name, null, Map.of(), renewal);
  }

  @Override
  public String location(String name) {
    String[] parts = CertificateWiring.split(name, "default");
    return "Secret " + parts[0] + "/" + parts[1];
  }

  private void write(String name, @Nullable Map<String, String> tls, Map<String, String> extra,
      RenewalState renewal) throws IOException {
    String[] parts = CertificateWiring.split(name, "default");
    Secret existing = get(name);
    if (existing != null && existing.getType() != null && !TLS_TYPE.equals(existing.getType())) {
      throw new IOException("Secret " + name + " has type " + existing.getType() + ", not "
          + TLS_TYPE + "; delete it or name another secretName in the Ingress");
    }
    Map<String, String> annotations = new HashMap<>(annotations(existing));
    // A new certificate replaces every record of ours; an attempt only the renewal state.
    java.util.Set<String> renewalKeys = java.util.Set.of(LAST_ATTEMPT, FAILURES, NEXT_ATTEMPT,
        LAST_ERROR, FINGERPRINT);
    annotations.keySet().removeIf(k -> tls != null ? k.startsWith(PREFIX) : renewalKeys.contains(k));
    annotations.putAll(extra);
    put(annotations, LAST_ATTEMPT, renewal.lastAttempt());
    annotations.put(FAILURES, Integer.toString(renewal.failures()));
    put(annotations, NEXT_ATTEMPT, renewal.nextAttempt());
    put(annotations, LAST_ERROR, renewal.lastError());
    put(annotations, FINGERPRINT, renewal.fingerprint().isEmpty() ? null : renewal.fingerprint());
    Map<String, String> data = new HashMap<>();
    if (existing != null && existing.getData() != null) {
      data.putAll(existing.getData());
    }
    if (tls != null) {
      tls.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
          v.getBytes(StandardCharsets.US_ASCII))));
    }
    // The API requires both keys in a kubernetes.io/tls Secret, even before the first issuance.
    data.putIfAbsent("tls.crt", "");
    data.putIfAbsent("tls.key", "");
    Secret secret = new SecretBuilder()
        .withNewMetadata()
        .withNamespace(parts[0])
        .withName(parts[1])
        .withLabels(existing == null ? null : existing.getMetadata().getLabels())
        .withAnnotations(annotations)
        .endMetadata()
        .withType(TLS_TYPE)
        .withData(data)
        .build();
    try {
      client.secrets().inNamespace(parts[0]).resource(secret)
          .createOr(NonDeletingOperation::update);
    } catch (KubernetesClientException e) {
      throw new IOException("cannot write Secret " + name + ": " + e.getMessage(), e);
    }
  }

  private @Nullable Secret get(String name) throws IOException {
    String[] parts = CertificateWiring.split(name, "default");
    try {
      return client.secrets().inNamespace(parts[0]).withName(parts[1]).get();
    } catch (KubernetesClientException e) {
      throw new IOException("cannot read Secret " + name + ": " + e.getMessage(), e);
    }
  }

  static Map<String, String> annotations(@Nullable Secret secret) {
    return secret == null || secret.getMetadata().getAnnotations() == null
        ? Map.of() : secret.getMetadata().getAnnotations();
  }

  /** The order history recorded in a Secret's annotations. */
  static RenewalState renewal(Map<String, String> annotations) {
    int failures;
    try {
      failures = Math.max(0, Integer.parseInt(annotations.getOrDefault(FAILURES, "0")));
    } catch (NumberFormatException e) {
      failures = 0;
    }
    return new RenewalState(instant(annotations.get(LAST_ATTEMPT)), failures,
        instant(annotations.get(NEXT_ATTEMPT)), annotations.get(LAST_ERROR),
        annotations.getOrDefault(FINGERPRINT, ""));
  }

  private static @Nullable Instant instant(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void put(Map<String, String> map, String key, @Nullable Object value) {
    if (value != null) {
      String text = value.toString();
      // One line, and short: an annotation, shown by kubectl describe.
      text = text.replace('\n', ' ');
      map.put(key, text.length() > 500 ? text.substring(0, 500) + "..." : text);
    }
  }

  /** A key of a Secret's {@code data} (base64) or {@code stringData}; empty when absent. */
  static String data(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return "";
    }
    try {
      return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)),
          StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
