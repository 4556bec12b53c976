package dev.bollard.controller.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority (EC P-256): a root or an intermediate that issues server and client
 * certificates, each with its chain up to (not including) the root, as the PEM a Secret holds.
 */
public final class TestCa {

  private final X509Certificate certificate;
  private final PrivateKey key;
  /** This CA's certificate and those above it, up to but not including the root. */
  private final List<X509Certificate> chainToRoot;

  private TestCa(X509Certificate certificate, PrivateKey key, List<X509Certificate> chainToRoot) {
    this.certificate = certificate;
    this.key = key;
    this.chainToRoot = chainToRoot;
  }

  /** A certificate with its key, leaf first. */
  public record Issued(List<X509Certificate> chain, PrivateKey key) {

    /** The chain as {@code tls.crt}. */
    public String chainPem() {
      StringBuilder out = new StringBuilder();
      for (X509Certificate c : chain) {
        out.append(pem(c));
      }
      return out.toString();
    }

    /** The key as {@code tls.key} (PKCS#8). */
    public String keyPem() {
      try {
        return pem(new JcaPKCS8Generator(key, null));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A self-signed root CA named {@code CN=name}. */
  public static TestCa root(String name) {
    KeyPair pair = keyPair();
    X509Certificate cert = sign(new X500Name("CN=" + name), pair, new X500Name("CN=" + name),
        pair.getPrivate(), true, List.of());
    return new TestCa(cert, pair.getPrivate(), List.of());
  }

  /** An intermediate CA issued by this one. */
  public TestCa intermediate(String name) {
    KeyPair pair = keyPair();
    X509Certificate cert = sign(new X500Name("CN=" + name), pair,
        new X500Name(certificate.getSubjectX500Principal().getName()), key, true, List.of());
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(chainToRoot);
    return new TestCa(cert, pair.getPrivate(), chain);
  }

  /** A leaf certificate for {@code dnsNames} (server and client use), with its chain. */
  public Issued issue(String... dnsNames) {
    KeyPair pair = keyPair();
    X509Certificate cert = sign(new X500Name("CN=" + dnsNames[0]), pair,
        new X500Name(certificate.getSubjectX500Principal().getName()), key, false,
        List.of(dnsNames));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(chainToRoot);
    return new Issued(chain, pair.getPrivate());
  }

  /** This CA's CRL revoking {@code revoked}, current for a day, as {@code ca.crl}. */
  public String crlPem(X509Certificate... revoked) {
    try {
      Instant now = Instant.now();
      org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.X509v2CRLBuilder(
          new X500Name(certificate.getSubjectX500Principal().getName()),
          Date.from(now.minus(Duration.ofMinutes(5))));
      builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
      for (X509Certificate c : revoked) {
        builder.addCRLEntry(c.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))),
            org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
      }
      return pem(new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key))));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This CA's certificate as {@code ca.crt}. */
  public String certificatePem() {
    return pem(certificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  private static X509Certificate sign(X500Name subject, KeyPair pair, X500Name issuer,
      PrivateKey issuerKey, boolean ca, List<String> dnsNames) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), subject, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            dnsNames.stream().map(h -> new GeneralName(GeneralName.dNSName, h))
                .toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
