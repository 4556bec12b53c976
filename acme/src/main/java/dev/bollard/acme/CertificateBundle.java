package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * An issued certificate: its PEM chain (leaf first) and PEM private key, plus what Bollard reads
 * off the leaf to plan renewal. The hosts are the leaf's DNS subject alternative names, so a
 * storage needs to keep only the two PEM texts (e.g. {@code tls.crt} and {@code tls.key} of a
 * Secret).
 *
 * <p>Instances are only made by {@link #parse}, which checks that the key belongs to the leaf.
 */
public final class CertificateBundle {
  private final String chainPem;
  private final String privateKeyPem;
  private final X509Certificate leaf;
  private final SortedSet<String> hosts;

  private CertificateBundle(
      String chainPem, String privateKeyPem, X509Certificate leaf, SortedSet<String> hosts) {
    this.chainPem = chainPem;
    this.privateKeyPem = privateKeyPem;
    this.leaf = leaf;
    this.hosts = hosts;
  }

  /**
   * Parses and checks a certificate chain and its key.
   *
   * @param chainPem PEM certificates, leaf first
   * @param privateKeyPem PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted)
   * @throws IllegalArgumentException if either does not parse, the leaf names no DNS host, or the
   *     key does not belong to the leaf; the message says which
   */
  public static CertificateBundle parse(String chainPem, String privateKeyPem) {
    requireNonNull(chainPem, "chainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    List<X509Certificate> chain = Pem.parseCertificates(chainPem);
    PrivateKey key = Pem.parsePrivateKey(privateKeyPem);
    X509Certificate leaf = chain.get(0);
    if (!Pem.matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "private key: does not belong to certificate "
              + leaf.getSubjectX500Principal()
              + " (expected: the key the certificate was issued for)");
    }
    return new CertificateBundle(
        chainPem,
        privateKeyPem,
        leaf,
        Hosts.normalise(
            dnsNames(leaf), "subject alternative names of " + leaf.getSubjectX500Principal()));
  }

  static CertificateBundle of(List<X509Certificate> chain, PrivateKey key) {
    return parse(Pem.certificates(chain), Pem.privateKey(key));
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    var names = new ArrayList<String>();
    try {
      var alternatives = leaf.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (Integer.valueOf(2).equals(entry.get(0))) {
            names.add((String) entry.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException(
          "certificate "
              + leaf.getSubjectX500Principal()
              + ": unreadable subject alternative names",
          e);
    }
    return names;
  }

  /** The PEM chain, leaf first, exactly as stored. */
  public String chainPem() {
    return chainPem;
  }

  /** The PEM private key, exactly as stored. */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return leaf;
  }

  /** The DNS names the leaf covers, sorted, lower case. */
  public Set<String> hosts() {
    return hosts;
  }

  /** The issuer's distinguished name, for annotations and logs. */
  public String issuer() {
    return leaf.getIssuerX500Principal().getName();
  }

  /** Start of validity. */
  public Instant notBefore() {
    return leaf.getNotBefore().toInstant();
  }

  /** End of validity. */
  public Instant notAfter() {
    return leaf.getNotAfter().toInstant();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CertificateBundle that
        && chainPem.equals(that.chainPem)
        && privateKeyPem.equals(that.privateKeyPem);
  }

  @Override
  public int hashCode() {
    return chainPem.hashCode();
  }

  @Override
  public String toString() {
    return "CertificateBundle{hosts="
        + hosts
        + ", issuer="
        + issuer()
        + ", notAfter="
        + notAfter()
        + "}";
  }
}
