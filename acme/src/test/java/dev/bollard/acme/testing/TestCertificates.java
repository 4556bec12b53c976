package dev.bollard.acme.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made in tests with BouncyCastle: a CA, leaves it signs, and PEM text for both. */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestCertificates() {}

  /** A certificate and its key. */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {
    /** The certificate as PEM. */
    public String certificatePem() {
      return pem(this.certificate);
    }

    /** The key as PKCS#8 PEM. */
    public String privateKeyPem() {
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'})
              .encodeToString(keyPair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }
  }

  /** A new EC P-256 key pair. */
  public static KeyPair ecKey() {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed CA valid around now. */
  public static Issued ca(String commonName) {
    KeyPair key = ecKey();
    Instant now = Instant.now();
    return new Issued(
        build(
            new X500Name("CN=" + commonName),
            new X500Name("CN=" + commonName),
            key,
            key,
            now.minusSeconds(3600),
            now.plusSeconds(86400 * 30),
            true,
            List.of()),
        key);
  }

  /** A leaf for {@code hosts} (DNS names, or IPv4 literals) signed by {@code ca}. */
  public static Issued leaf(Issued ca, Instant notBefore, Instant notAfter, String... hosts) {
    KeyPair key = ecKey();
    return new Issued(
        build(
            new X500Name("CN=" + hosts[0]),
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            key,
            ca.keyPair(),
            notBefore,
            notAfter,
            false,
            List.of(hosts)),
        key);
  }

  /** PEM text of a certificate. */
  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(
      X500Name subject,
      X500Name issuer,
      KeyPair subjectKey,
      KeyPair issuerKey,
      Instant notBefore,
      Instant notAfter,
      boolean ca,
      List<String> hosts) {
    try {
      var builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              subjectKey.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
      } else {
        var names =
            hosts.stream()
                .map(
                    host ->
                        new GeneralName(
                            host.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                            host))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build test certificate for " + subject, e);
    }
  }
}
