package dev.bollard.proxy.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities, client certificates and CRLs generated for client-certificate tests,
 * with the PEM texts an {@code auth-tls-secret} holds ({@code ca.crt}, {@code ca.crl}).
 */
public final class ClientPki {

  private static final AtomicLong SERIALS = new AtomicLong(1000);

  private ClientPki() {}

  /** A certificate and its key. */
  public record Issued(X509Certificate certificate, PrivateKey key, KeyPair pair) {
    /** The certificate as PEM. */
    public String pem() {
      return ClientPki.pem(certificate);
    }
  }

  /** A self-signed CA named {@code cn}. */
  public static Issued ca(String cn) {
    KeyPair pair = keys();
    return sign(new X500Name("CN=" + cn), pair, new X500Name("CN=" + cn), pair.getPrivate(),
        true, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
  }

  /** An intermediate CA named {@code cn} issued by {@code issuer}. */
  public static Issued intermediate(String cn, Issued issuer) {
    KeyPair pair = keys();
    return sign(new X500Name("CN=" + cn), pair, subject(issuer), issuer.key(), true,
        Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
  }

  /** A client certificate for {@code dn} issued by {@code issuer}, valid from yesterday on. */
  public static Issued client(String dn, Issued issuer) {
    return client(dn, issuer, Instant.now().minus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(30)));
  }

  /** A client certificate for {@code dn} issued by {@code issuer}, valid between the two. */
  public static Issued client(String dn, Issued issuer, Instant notBefore, Instant notAfter) {
    return sign(new X500Name(dn), keys(), subject(issuer), issuer.key(), false, notBefore,
        notAfter);
  }

  /** A CRL of {@code issuer} revoking {@code revoked}, current for a day. */
  public static X509CRL crl(Issued issuer, X509Certificate... revoked) {
    Instant now = Instant.now();
    return crl(issuer, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)), revoked);
  }

  /** A CRL of {@code issuer} issued at {@code thisUpdate}, next due at {@code nextUpdate}. */
  public static X509CRL crl(Issued issuer, Instant thisUpdate, Instant nextUpdate,
      X509Certificate... revoked) {
    try {
      Instant now = Instant.now();
      X509v2CRLBuilder builder = new X509v2CRLBuilder(subject(issuer), Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (X509Certificate certificate : revoked) {
        builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))),
            CRLReason.keyCompromise);
      }
      return new JcaX509CRLConverter().getCRL(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.key())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object object) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(object);
      }
      return out.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name subject(Issued issuer) {
    return X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued sign(X500Name subject, KeyPair pair, X500Name issuer, PrivateKey issuerKey,
      boolean ca, Instant notBefore, Instant notAfter) {
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          subject, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, ca
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
          : new KeyUsage(KeyUsage.digitalSignature));
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
      return new Issued(certificate, pair.getPrivate(), pair);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
