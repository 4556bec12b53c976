package dev.bollard.proxy.config;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One {@code spec.tls} entry of an Ingress: the hosts it covers and the certificate to present for
 * them.
 *
 * <p>The PEM texts were checked by the translator (they parse, the key matches the leaf); when the
 * Secret is missing or broken they are {@code null} and the hosts get the default certificate.
 *
 * @param source the Ingress the entry belongs to
 * @param secret the Secret named by {@code secretName}, as {@code namespace/name}
 * @param hosts lower-case host names or {@code *.}-wildcards the entry covers, at least one
 * @param chainPem the certificate chain (leaf first), or {@code null} to serve the default
 *     certificate
 * @param keyPem the private key, {@code null} exactly when {@code chainPem} is
 * @param acme whether Bollard orders this certificate itself ({@code kubernetes.io/tls-acme})
 */
public record TlsBinding(
    RouteSource source,
    String secret,
    List<String> hosts,
    @Nullable String chainPem,
    @Nullable String keyPem,
    boolean acme) {

  public TlsBinding {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts: [] (expected: at least one host)");
    }
    for (String host : hosts) {
      if (!host.equals(host.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("hosts: " + host + " (expected: lower case)");
      }
    }
    if ((chainPem == null) != (keyPem == null)) {
      throw new IllegalArgumentException(
          "chainPem and keyPem: one is null (expected: both set, or both null)");
    }
  }

  /** Whether a certificate of its own is served (else the default certificate). */
  public boolean hasCertificate() {
    return chainPem != null;
  }
}
