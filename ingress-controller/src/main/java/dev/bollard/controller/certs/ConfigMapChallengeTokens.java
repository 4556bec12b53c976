package dev.bollard.controller.certs;

import dev.bollard.acme.ChallengeTokens;
import dev.bollard.acme.TlsAlpnCertificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending challenge answers in a ConfigMap of the controller's namespace that every replica
 * watches, so whichever replica the CA reaches can answer. Keys: {@code http01.<token>} (the key
 * authorization) and {@code tlsalpn01.<host>} (certificate and RSA key, PEM). Reads come from this
 * replica's watch (never blocking an event loop); a {@code put} returns once the watch has seen
 * the write, which is as late as any replica sees it, give or take the watch latency.
 */
final class ConfigMapChallengeTokens implements ChallengeTokens, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigMapChallengeTokens.class);
  private static final String HTTP01 = "http01.";
  private static final String TLS_ALPN01 = "tlsalpn01.";
  private static final Duration SEEN_TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final SharedIndexInformer<ConfigMap> informer;
  private volatile Map<String, String> data = Map.of();
  private final ConcurrentHashMap<String, TlsAlpnCertificate> parsed = new ConcurrentHashMap<>();

  private ConfigMapChallengeTokens(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.informer = client.configMaps().inNamespace(namespace).withName(name).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap map) {
            seen(map);
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            seen(after);
          }

          @Override
          public void onDelete(ConfigMap map, boolean unknownFinalState) {
            data = Map.of();
            notifyWaiters();
          }
        });
  }

  static ConfigMapChallengeTokens start(KubernetesClient client, String namespace, String name) {
    return new ConfigMapChallengeTokens(client, namespace, name);
  }

  private void seen(ConfigMap map) {
    data = map.getData() == null ? Map.of() : Map.copyOf(map.getData());
    parsed.keySet().retainAll(data.keySet());
    notifyWaiters();
  }

  private synchronized void notifyWaiters() {
    notifyAll();
  }

  @Override
  public Optional<String> http01(String token) {
    return Optional.ofNullable(data.get(HTTP01 + token));
  }

  @Override
  public Optional<TlsAlpnCertificate> tlsAlpn01(String host) {
    String key = TLS_ALPN01 + host.toLowerCase(Locale.ROOT);
    String pem = data.get(key);
    if (pem == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parsed.computeIfAbsent(key, k -> {
        int split = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        return TlsAlpnCertificate.parse(pem.substring(0, split), pem.substring(split));
      }));
    } catch (RuntimeException e) {
      log.warn("ConfigMap {}/{}: unreadable challenge for {}: {}", namespace, name, host,
          e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void putHttp01(String token, String keyAuthorization) {
    change(HTTP01 + token, keyAuthorization);
  }

  @Override
  public void removeHttp01(String token) {
    change(HTTP01 + token, null);
  }

  @Override
  public void putTlsAlpn01(String host, TlsAlpnCertificate certificate) {
    change(TLS_ALPN01 + host.toLowerCase(Locale.ROOT),
        certificate.certificatePem() + certificate.privateKeyPem());
  }

  @Override
  public void removeTlsAlpn01(String host) {
    change(TLS_ALPN01 + host.toLowerCase(Locale.ROOT), null);
  }

  /** Writes one key (or removes it), then waits until this replica's watch has seen the result. */
  private void change(String key, @Nullable String value) {
    UnaryOperator<Map<String, String>> edit = current -> {
      Map<String, String> next = new HashMap<>(current);
      if (value == null) {
        next.remove(key);
      } else {
        next.put(key, value);
      }
      return next;
    };
    for (int attempt = 0; ; attempt++) {
      try {
        ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
        if (existing == null) {
          client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
              .withNewMetadata().withNamespace(namespace).withName(name)
              .addToLabels("app.kubernetes.io/managed-by", "bollard").endMetadata()
              .withData(edit.apply(Map.of())).build()).create();
        } else {
          // The resourceVersion makes a concurrent write fail instead of being lost.
          existing.setData(edit.apply(existing.getData() == null ? Map.of() : existing.getData()));
          client.configMaps().inNamespace(namespace).resource(existing).update();
        }
        break;
      } catch (KubernetesClientException e) {
        if (attempt >= 5) {
          throw new IllegalStateException("cannot write ConfigMap " + namespace + "/" + name
              + " (RBAC: configmaps create/update in " + namespace + "?): " + e.getMessage(), e);
        }
      }
    }
    awaitSeen(key, value);
  }

  private synchronized void awaitSeen(String key, @Nullable String value) {
    long deadline = System.nanoTime() + SEEN_TIMEOUT.toNanos();
    while (!Objects.equals(data.get(key), value)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn("ConfigMap {}/{}: change of {} not seen by the watch within {}", namespace, name,
            key, SEEN_TIMEOUT);
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    informer.stop();
  }
}
