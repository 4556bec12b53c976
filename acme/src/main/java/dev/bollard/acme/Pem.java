package dev.bollard.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM encoding of certificates and keys. Keys are written as PKCS#8 ({@code PRIVATE KEY}), the form
 * both Netty's {@code SslContextBuilder} and Kubernetes {@code kubernetes.io/tls} Secrets accept;
 * PKCS#1 and SEC1 keys are read too.
 */
final class Pem {
  private static final Base64.Encoder ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + ENCODER.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static String privateKey(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  static String certificates(List<X509Certificate> chain) {
    var out = new StringBuilder();
    for (X509Certificate certificate : chain) {
      try {
        out.append(encode("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "certificate " + certificate.getSubjectX500Principal() + ": cannot be encoded", e);
      }
    }
    return out.toString();
  }

  static List<X509Certificate> parseCertificates(String pem) {
    try {
      var factory = CertificateFactory.getInstance("X.509");
      var result = new ArrayList<X509Certificate>();
      for (var certificate :
          factory.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        result.add((X509Certificate) certificate);
      }
      if (result.isEmpty()) {
        throw new IllegalArgumentException(
            "no CERTIFICATE block found (expected: a PEM chain, leaf first)");
      }
      return List.copyOf(result);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate chain: " + e.getMessage(), e);
    }
  }

  static PrivateKey parsePrivateKey(String pem) {
    try (var parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      var converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException(
          "no unencrypted PRIVATE KEY block found (expected: PKCS#8, PKCS#1 or SEC1 PEM)");
    } catch (IOException e) {
      throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
    }
  }

  /** Proves that the private key belongs to the public key by signing a nonce with it. */
  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null || !privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      var signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(nonce);
      byte[] signature = signer.sign();
      var verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(nonce);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
