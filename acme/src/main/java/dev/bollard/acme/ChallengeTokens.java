package dev.bollard.acme;

/**
 * Pending challenge answers. The issuer publishes one before asking the CA to validate and removes
 * it afterwards; every replica must be able to read it, since the CA may reach any of them. The
 * Kubernetes implementation keeps them in a ConfigMap that every replica watches; {@link
 * #inMemory()} serves a single process.
 */
public interface ChallengeTokens extends ChallengeResponder {

  /**
   * Publishes the key authorization for an HTTP-01 token. The issuer asks the CA to validate as
   * soon as this returns, so a distributed implementation returns only once every replica can
   * answer (e.g. after its own watch has seen the write).
   */
  void putHttp01(String token, String keyAuthorization);

  /** Withdraws an HTTP-01 token. */
  void removeHttp01(String token);

  /**
   * Publishes the challenge certificate for TLS-ALPN-01 validation of {@code host}; same timing as
   * {@link #putHttp01}.
   */
  void putTlsAlpn01(String host, TlsAlpnCertificate certificate);

  /** Withdraws the challenge certificate for {@code host}. */
  void removeTlsAlpn01(String host);

  /** Thread-safe tokens held in this process. */
  static ChallengeTokens inMemory() {
    return new InMemoryChallengeTokens();
  }
}
