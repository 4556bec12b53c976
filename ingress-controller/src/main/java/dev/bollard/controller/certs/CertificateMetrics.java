package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.metrics.ProxyMetrics;
import dev.bollard.proxy.tls.CertifiedKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Feeds {@link ProxyMetrics}: orders by result as they finish, and after each rebuild the expiry
 * of every certificate the HTTPS listener serves, per Secret and host (ACME-issued or not).
 * Certificates are parsed once per distinct chain, not per rebuild.
 */
final class CertificateMetrics implements CertificateEvents {

  private final ProxyMetrics metrics;
  /** Rebuild thread only. */
  private Map<String, Instant> notAfterByChain = Map.of();

  CertificateMetrics(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void issued(String name, CertificateBundle bundle, OrderReason reason) {
    metrics.certificateOrder(true, reason.name());
  }

  @Override
  public void failed(String name, Set<String> hosts, OrderReason reason, String error,
      int failures, Instant nextAttempt) {
    metrics.certificateOrder(false, reason.name());
  }

  /** Publishes the expiry of the certificates in {@code tls}; call on the rebuild thread. */
  void served(TlsSettings tls) {
    Map<String, Instant> parsed = new HashMap<>();
    Map<String, Map<String, Instant>> bySecret = new TreeMap<>();
    for (TlsBinding binding : tls.bindings()) {
      String chain = binding.chainPem();
      String key = binding.keyPem();
      if (chain == null || key == null) {
        continue;
      }
      Instant notAfter = parsed.get(chain);
      if (notAfter == null) {
        notAfter = notAfterByChain.get(chain);
      }
      if (notAfter == null) {
        try {
          notAfter = CertifiedKey.parse(chain, key).leaf().getNotAfter().toInstant();
        } catch (IllegalArgumentException e) {
          // The translator checked it; should it not parse, it is simply not reported.
          continue;
        }
      }
      parsed.put(chain, notAfter);
      Map<String, Instant> hosts = bySecret.computeIfAbsent(binding.secret(), s -> new TreeMap<>());
      for (String host : binding.hosts()) {
        hosts.put(host, notAfter);
      }
    }
    notAfterByChain = parsed;
    metrics.certificatesServed(bySecret);
  }
}
