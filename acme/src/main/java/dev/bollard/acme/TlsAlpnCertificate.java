package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The self-signed certificate (with the critical {@code acmeIdentifier} extension) and RSA key a
 * listener presents to the CA when it connects with ALPN {@code acme-tls/1} for a host (RFC 8737).
 * Replicas share it as two PEM texts.
 */
public final class TlsAlpnCertificate {
  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private TlsAlpnCertificate(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /** Wraps a certificate and its key. */
  public static TlsAlpnCertificate of(X509Certificate certificate, PrivateKey privateKey) {
    return new TlsAlpnCertificate(
        requireNonNull(certificate, "certificate"), requireNonNull(privateKey, "privateKey"));
  }

  /**
   * Reads the form {@link #certificatePem()} and {@link #privateKeyPem()} write.
   *
   * @throws IllegalArgumentException if either text is not PEM of the expected kind
   */
  public static TlsAlpnCertificate parse(String certificatePem, String privateKeyPem) {
    requireNonNull(certificatePem, "certificatePem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    return new TlsAlpnCertificate(
        Pem.parseCertificates(certificatePem).get(0), Pem.parsePrivateKey(privateKeyPem));
  }

  /** The challenge certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Its RSA private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate as PEM. */
  public String certificatePem() {
    return Pem.certificates(List.of(certificate));
  }

  /** The key as PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }
}
