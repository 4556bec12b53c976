package dev.bollard.proxy.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for TLS tests, as the PEM texts a {@code kubernetes.io/tls} Secret holds. */
public final class TestPki {

  private TestPki() {}

  /** A certificate and key as {@code tls.crt} and {@code tls.key}. */
  public record Pem(String chain, String key, X509Certificate certificate) {}

  /** A self-signed certificate for {@code hosts} (subject alternative names), with a key of {@code algorithm} (RSA or EC). */
  public static Pem issueWith(String algorithm, String... hosts) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize("RSA".equals(algorithm) ? 2048 : 256);
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + hosts[0]);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), subject, pair.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          Arrays.stream(hosts).map(h -> new GeneralName(GeneralName.dNSName, h))
              .toArray(GeneralName[]::new)));
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("RSA".equals(algorithm) ? "SHA256withRSA" : "SHA256withECDSA")
              .build(pair.getPrivate())));
      // RSA as PKCS#1 ("BEGIN RSA PRIVATE KEY", as openssl writes), EC as PKCS#8.
      Object key = "RSA".equals(algorithm)
          ? pair : new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null);
      return new Pem(pem(certificate), pem(key), certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Pem issue(String... hosts) {
    return issueWith("EC", hosts);
  }

  private static String pem(Object object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
