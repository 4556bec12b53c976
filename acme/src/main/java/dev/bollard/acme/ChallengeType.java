package dev.bollard.acme;

/** The ACME challenge types Bollard can answer itself, in the order the operator prefers them. */
public enum ChallengeType {
  /**
   * {@code http-01}: a token under {@code /.well-known/acme-challenge/} on the plain listener (port
   * 80).
   */
  HTTP_01("http-01"),
  /**
   * {@code tls-alpn-01}: a self-signed certificate presented for ALPN {@code acme-tls/1} on port
   * 443.
   */
  TLS_ALPN_01("tls-alpn-01");

  private final String acmeName;

  ChallengeType(String acmeName) {
    this.acmeName = acmeName;
  }

  /** The challenge type as RFC 8555 / RFC 8737 spell it. */
  public String acmeName() {
    return acmeName;
  }
}
