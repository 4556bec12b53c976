package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * A certificate Bollard should hold: one per TLS Secret that Ingress {@code spec.tls} entries with
 * the ACME annotation name, covering all their hosts.
 *
 * @param name the storage key, e.g. {@code namespace/secretName} in Kubernetes or a file stem
 *     standalone
 * @param hosts the DNS names the certificate must cover; sorted, lower case, at least one
 */
public record DesiredCertificate(String name, Set<String> hosts) {
  /** Normalises hosts to a sorted, lower-case, immutable set and checks the arguments. */
  public DesiredCertificate {
    requireNonNull(name, "name");
    requireNonNull(hosts, "hosts");
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "name: blank (expected: a storage key such as namespace/secretName)");
    }
    hosts = Hosts.normalise(hosts, "hosts of " + name);
  }

  /** Shorthand for tests. */
  public static DesiredCertificate of(String name, String... hosts) {
    return new DesiredCertificate(name, new TreeSet<>(Arrays.asList(hosts)));
  }
}
