package dev.bollard.proxy.clientcert;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The CAs a host trusts for client certificates ({@code ca.crt} of an {@code auth-tls-secret}) and
 * their revocation lists ({@code ca.crl}), parsed.
 *
 * @param certificates every certificate of {@code ca.crt}, each a trust anchor (nginx's {@code
 *     ssl_client_certificate})
 * @param crls every CRL of {@code ca.crl}; empty for no revocation check
 */
public record CaBundle(List<X509Certificate> certificates, List<X509CRL> crls) {

  public CaBundle {
    certificates = List.copyOf(certificates);
    crls = List.copyOf(crls);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("certificates: [] (expected: at least one CA)");
    }
  }

  /**
   * Parses PEM texts.
   *
   * @throws IllegalArgumentException naming the key ({@code ca.crt} or {@code ca.crl}) and what is
   *     wrong: unreadable, or no certificate at all
   */
  public static CaBundle parse(String caPem, @Nullable String crlPem) {
    Objects.requireNonNull(caPem, "caPem");
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      Collection<? extends java.security.cert.Certificate> read =
          factory().generateCertificates(bytes(caPem));
      for (java.security.cert.Certificate c : read) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("ca.crt is not PEM certificates: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("ca.crt holds no certificate");
    }
    List<X509CRL> crls = new ArrayList<>();
    if (crlPem != null && !crlPem.isBlank()) {
      try {
        for (CRL crl : factory().generateCRLs(bytes(crlPem))) {
          crls.add((X509CRL) crl);
        }
      } catch (CRLException e) {
        throw new IllegalArgumentException("ca.crl is not PEM CRLs: " + e.getMessage(), e);
      }
      if (crls.isEmpty()) {
        throw new IllegalArgumentException("ca.crl holds no CRL");
      }
    }
    return new CaBundle(certificates, crls);
  }

  private static CertificateFactory factory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("no X.509 support in this JVM", e);
    }
  }

  private static ByteArrayInputStream bytes(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
