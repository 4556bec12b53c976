package dev.bollard.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate chain and its private key, checked to belong together: what a TLS listener
 * presents. {@link #parse} reads the PEM a {@code kubernetes.io/tls} Secret carries ({@code
 * tls.crt}, {@code tls.key}: PKCS#1, SEC1 or PKCS#8 keys); {@link #selfSigned} makes the default
 * certificate.
 */
public final class CertifiedKey {

  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
  }

  /**
   * Parses and checks a chain (leaf first) and its key.
   *
   * @throws IllegalArgumentException naming what is wrong: no certificate, unreadable PEM, an
   *     encrypted key, or a key that does not match the leaf certificate
   */
  public static CertifiedKey parse(String chainPem, String keyPem) {
    Objects.requireNonNull(chainPem, "chainPem");
    Objects.requireNonNull(keyPem, "keyPem");
    List<X509Certificate> chain = certificates(chainPem);
    PrivateKey key = privateKey(keyPem);
    CertifiedKey certified = new CertifiedKey(chain, key);
    if (!certified.keyMatches()) {
      throw new IllegalArgumentException(
          "the private key does not belong to the certificate (subject "
              + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return certified;
  }

  /** Wraps a chain and key already known to belong together (e.g. an ACME challenge's). */
  public static CertifiedKey of(PrivateKey privateKey, X509Certificate... chain) {
    if (chain.length == 0) {
      throw new IllegalArgumentException("chain: empty (expected: at least the leaf)");
    }
    return new CertifiedKey(List.of(chain), Objects.requireNonNull(privateKey, "privateKey"));
  }

  /**
   * A self-signed ECDSA P-256 certificate with subject {@code CN=commonName}, valid for {@code
   * validity} from an hour ago: the certificate for hosts without one of their own.
   */
  public static CertifiedKey selfSigned(String commonName, Duration validity) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + Rdn.escapeValue(commonName));
      Instant from = Instant.now().minus(Duration.ofHours(1));
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()), Date.from(from), Date.from(from.plus(validity)),
          subject, pair.getPublic());
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new CertifiedKey(List.of(certificate), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the default certificate: " + e, e);
    }
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The private key of the leaf. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The DNS names of the leaf (subject alternative names; the common name when it has none). */
  public List<String> dnsNames() {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = leaf().getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
            names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateException e) {
      // Unreadable extension: fall back to the common name.
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf().getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
          }
        }
      } catch (InvalidNameException e) {
        // No usable subject either.
      }
    }
    return names;
  }

  /**
   * Whether the leaf is valid for {@code host} (lower case): a name equal to it, or a {@code *.}
   * name covering exactly one more label. A wildcard host pattern is covered only by the same
   * wildcard name.
   */
  public boolean covers(String host) {
    for (String name : dnsNames()) {
      if (name.equals(host)) {
        return true;
      }
      if (name.startsWith("*.") && !host.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(name.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean keyMatches() {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException(
          "unsupported key algorithm " + privateKey.getAlgorithm() + " (expected: RSA, EC, Ed25519)");
    };
    try {
      byte[] probe = "bollard key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf().getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The certificates of a PEM text (a CA bundle such as a Secret's {@code ca.crt}), in order.
   *
   * @throws IllegalArgumentException when the text holds no certificate or one is unreadable
   */
  public static List<X509Certificate> certificates(String pem) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("no PEM certificate (expected: -----BEGIN CERTIFICATE-----)");
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificate in the PEM text");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          // SEC1 EC keys may omit the public key: convert the private part alone.
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              "the private key is encrypted (expected: an unencrypted PEM key)");
        }
        if (!(object instanceof ASN1ObjectIdentifier)) {
          // EC PARAMETERS precede some EC keys; anything else is not a key.
          throw new IllegalArgumentException(
              "not a private key: " + object.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no PEM private key (expected: -----BEGIN ... PRIVATE KEY-----)");
  }
}
