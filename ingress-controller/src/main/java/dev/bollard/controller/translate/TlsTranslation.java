package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.tls.CertifiedKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Translates {@code spec.tls} and the TLS annotations of the Ingresses we serve into {@link
 * TlsSettings}: one {@link TlsBinding} per entry, with the Secret's certificate checked (it parses,
 * the key matches, it covers the host). Anything wrong is a problem, and the hosts concerned get the
 * default certificate; other hosts are unaffected. Oldest Ingress first: a host already bound keeps
 * its first binding.
 */
final class TlsTranslation {

  /** kube-lego's annotation: Bollard orders the certificates of this Ingress. */
  static final String TLS_ACME = "kubernetes.io/tls-acme";
  /** Bollard's own spelling of {@link #TLS_ACME}. */
  static final String BOLLARD_TLS_ACME = "bollard.dev/tls-acme";
  static final String SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect";
  static final String FORCE_SSL_REDIRECT = "nginx.ingress.kubernetes.io/force-ssl-redirect";

  private TlsTranslation() {}

  static TlsSettings translate(List<CheckedIngress> ours, ResourceStore store, List<Problem> problems) {
    return translate(ours, store, problems, Set.of());
  }

  /**
   * As {@link #translate(List, ResourceStore, List)}; an entry without {@code secretName} whose
   * hosts are all in {@code passedThrough} (SSL passthrough: the backend presents its own
   * certificate) is no problem.
   */
  static TlsSettings translate(List<CheckedIngress> ours, ResourceStore store,
      List<Problem> problems, Set<String> passedThrough) {
    Map<RouteSource, Ingress> byName = new HashMap<>();
    store.ingresses().forEach(i -> byName.put(CheckedIngress.sourceOf(i), i));
    List<TlsBinding> bindings = new ArrayList<>();
    Map<String, TlsBinding> owners = new HashMap<>();
    Map<RouteSource, Boolean> redirects = new LinkedHashMap<>();
    Set<RouteSource> forced = new LinkedHashSet<>();
    for (CheckedIngress checked : ours) {
      Ingress ingress = byName.get(checked.source());
      if (ingress == null) {
        continue;
      }
      Map<String, String> annotations = ingress.getMetadata().getAnnotations() == null
          ? Map.of() : ingress.getMetadata().getAnnotations();
      RouteSource source = checked.source();
      flag(annotations, SSL_REDIRECT, source, problems).ifPresent(v -> redirects.put(source, v));
      if (flag(annotations, FORCE_SSL_REDIRECT, source, problems).orElse(false)) {
        forced.add(source);
      }
      boolean acme = flag(annotations, TLS_ACME, source, problems).orElse(false)
          || flag(annotations, BOLLARD_TLS_ACME, source, problems).orElse(false);
      List<IngressTLS> entries = ingress.getSpec() == null || ingress.getSpec().getTls() == null
          ? List.of() : ingress.getSpec().getTls();
      for (int i = 0; i < entries.size(); i++) {
        for (TlsBinding binding : entry(checked, entries.get(i), "spec.tls[" + i + "]", acme, store,
            problems, passedThrough)) {
          List<String> free = new ArrayList<>();
          for (String host : binding.hosts()) {
            TlsBinding owner = owners.get(host);
            if (owner == null) {
              free.add(host);
            } else if (!owner.secret().equals(binding.secret())) {
              problems.add(new Problem(source, "spec.tls[" + i + "].hosts",
                  "host " + host + " already has TLS from Secret " + owner.secret() + " of the older "
                      + owner.source() + "; this entry is ignored for it."));
            }
          }
          if (!free.isEmpty()) {
            TlsBinding kept = new TlsBinding(source, binding.secret(), free, binding.chainPem(),
                binding.keyPem(), binding.acme());
            free.forEach(h -> owners.put(h, kept));
            bindings.add(kept);
          }
        }
      }
    }
    return new TlsSettings(bindings, redirects, forced);
  }

  /** One entry: a binding for the covered hosts and, if any, one without certificate for the rest. */
  private static List<TlsBinding> entry(CheckedIngress ingress, IngressTLS tls, String field,
      boolean acme, ResourceStore store, List<Problem> problems, Set<String> passedThrough) {
    RouteSource source = ingress.source();
    List<String> hosts = new ArrayList<>();
    List<String> named = tls.getHosts() == null ? List.of() : tls.getHosts();
    for (int j = 0; j < named.size(); j++) {
      String host = named.get(j) == null ? null : HostNames.normalize(named.get(j));
      if (host == null) {
        problems.add(new Problem(source, field + ".hosts[" + j + "]",
            "'" + named.get(j) + "' is no valid host name; it is ignored."));
      } else if (!hosts.contains(host)) {
        hosts.add(host);
      }
    }
    if (named.isEmpty()) {
      // Like ingress-nginx: an entry without hosts covers the hosts of the Ingress's rules.
      ingress.paths().stream().map(PathRule::hostPattern)
          .filter(h -> !h.equals(SnapshotTranslator.DEFAULT_SERVER) && !hosts.contains(h))
          .forEach(hosts::add);
    }
    if (hosts.isEmpty()) {
      problems.add(new Problem(source, field + ".hosts",
          "no hosts and no rule hosts to apply the certificate to; name the hosts."));
      return List.of();
    }
    String secretName = tls.getSecretName();
    if (secretName == null || secretName.isEmpty()) {
      if (!passedThrough.containsAll(hosts)) {
        problems.add(new Problem(source, field + ".secretName",
            "missing; " + getDefault(hosts) + "."));
      }
      return List.of(new TlsBinding(source, ingress.namespace() + "/", hosts, null, null, acme));
    }
    String secret = ingress.namespace() + "/" + secretName;
    Optional<Secret> found = store.secret(ingress.namespace(), secretName);
    if (found.isEmpty() || !hasData(found.get())) {
      if (!acme) {
        problems.add(new Problem(source, field + ".secretName",
            "Secret " + secret + (found.isEmpty() ? " not found" : " has no tls.crt/tls.key") + "; "
                + getDefault(hosts) + " until it exists."));
      }
      // With tls-acme, a missing Secret is the normal state before the first issuance.
      return List.of(new TlsBinding(source, secret, hosts, null, null, acme));
    }
    String chain = data(found.get(), "tls.crt");
    String key = data(found.get(), "tls.key");
    CertifiedKey certified;
    try {
      certified = CertifiedKey.parse(chain == null ? "" : chain, key == null ? "" : key);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(source, field + ".secretName",
          "Secret " + secret + ": " + e.getMessage() + "; " + getDefault(hosts)
              + ". Fix tls.crt/tls.key in the Secret."));
      return List.of(new TlsBinding(source, secret, hosts, null, null, acme));
    }
    List<String> covered = new ArrayList<>();
    List<String> uncovered = new ArrayList<>();
    for (String host : hosts) {
      (certified.covers(host) ? covered : uncovered).add(host);
    }
    if (!uncovered.isEmpty() && !acme) {
      problems.add(new Problem(source, field + ".hosts",
          "the certificate in Secret " + secret + " (for " + String.join(", ", certified.dnsNames())
              + ") does not cover " + describe(uncovered) + "; "
              + (uncovered.size() == 1 ? "it gets" : "they get") + " the default certificate."));
    }
    List<TlsBinding> out = new ArrayList<>();
    if (!covered.isEmpty()) {
      out.add(new TlsBinding(source, secret, covered, chain, key, acme));
    }
    if (!uncovered.isEmpty()) {
      out.add(new TlsBinding(source, secret, uncovered, null, null, acme));
    }
    return out;
  }

  private static Optional<Boolean> flag(Map<String, String> annotations, String name,
      RouteSource source, List<Problem> problems) {
    String value = annotations.get(name);
    if (value == null) {
      return Optional.empty();
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return Optional.of(true);
      case "false":
        return Optional.of(false);
      default:
        problems.add(new Problem(source, "metadata.annotations[" + name + "]",
            "'" + value + "' (expected: \"true\" or \"false\"); ignored."));
        return Optional.empty();
    }
  }

  private static boolean hasData(Secret secret) {
    String chain = data(secret, "tls.crt");
    return chain != null && !chain.isBlank();
  }

  /** A key of {@code data} (base64) or {@code stringData} (manifest files). */
  static @Nullable String data(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)),
          StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String getDefault(List<String> hosts) {
    return describe(hosts) + (hosts.size() == 1 ? " gets" : " get") + " the default certificate";
  }

  private static String describe(List<String> hosts) {
    return (hosts.size() == 1 ? "host " : "hosts ") + String.join(", ", hosts);
  }
}
