package dev.bollard.controller.certs;

import dev.bollard.acme.ChallengeType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS and ACME settings of a process (its flags).
 *
 * @param httpsListen the HTTPS listener
 * @param redirectPort the port put into redirects to HTTPS (what clients reach, e.g. 443)
 * @param defaultCertificate {@code namespace/name} of the default certificate's Secret, or {@code
 *     null} for a generated one
 * @param acmeDirectory the ACME directory URL; {@code null} turns ACME off
 * @param acmeEmail the ACME account's contact, or {@code null}
 * @param acmeAccountSecret {@code namespace/name} of the account key's Secret (Kubernetes)
 * @param challengesConfigMap the ConfigMap, in the controller's namespace, that shares pending
 *     challenges between replicas (Kubernetes)
 * @param acmeDir where certificates and the account key live standalone, or {@code null}
 * @param renewWhenRemaining renew when this fraction of a certificate's lifetime remains
 * @param challengeTypes the challenge types to use, in order of preference; empty for HTTP-01,
 *     then TLS-ALPN-01
 */
public record TlsConfig(
    InetSocketAddress httpsListen,
    int redirectPort,
    @Nullable String defaultCertificate,
    @Nullable URI acmeDirectory,
    @Nullable String acmeEmail,
    String acmeAccountSecret,
    String challengesConfigMap,
    @Nullable Path acmeDir,
    double renewWhenRemaining,
    List<ChallengeType> challengeTypes) {

  public TlsConfig {
    challengeTypes = List.copyOf(challengeTypes);
  }

  /** HTTPS on {@code listen}, a generated default certificate, no ACME. */
  public static TlsConfig httpsOnly(InetSocketAddress listen) {
    return new TlsConfig(listen, 443, null, null, null, "default/bollard-acme-account",
        "bollard-acme-challenges", null, 1.0 / 3, List.of());
  }

  /** These settings with ACME against {@code directory}. */
  public TlsConfig withAcme(URI directory, @Nullable String email, @Nullable Path dir) {
    return new TlsConfig(httpsListen, redirectPort, defaultCertificate, directory, email,
        acmeAccountSecret, challengesConfigMap, dir, renewWhenRemaining, challengeTypes);
  }

  /** These settings with another redirect port. */
  public TlsConfig withRedirectPort(int port) {
    return new TlsConfig(httpsListen, port, defaultCertificate, acmeDirectory, acmeEmail,
        acmeAccountSecret, challengesConfigMap, acmeDir, renewWhenRemaining, challengeTypes);
  }

  /** These settings with the challenge types in {@code types} (empty for the default order). */
  public TlsConfig withChallengeTypes(List<ChallengeType> types) {
    return new TlsConfig(httpsListen, redirectPort, defaultCertificate, acmeDirectory, acmeEmail,
        acmeAccountSecret, challengesConfigMap, acmeDir, renewWhenRemaining, types);
  }

  /** These settings with the default certificate from Secret {@code namespacedName}. */
  public TlsConfig withDefaultCertificate(@Nullable String namespacedName) {
    return new TlsConfig(httpsListen, redirectPort, namespacedName, acmeDirectory, acmeEmail,
        acmeAccountSecret, challengesConfigMap, acmeDir, renewWhenRemaining, challengeTypes);
  }

  /** Whether ACME is on. */
  public boolean acmeEnabled() {
    return acmeDirectory != null;
  }
}
