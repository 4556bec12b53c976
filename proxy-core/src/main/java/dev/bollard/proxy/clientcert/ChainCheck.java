package dev.bollard.proxy.clientcert;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a client's certificate chain as nginx's {@code ssl_verify_client} does: every
 * certificate sent is within its validity, the leaf chains to a CA of the bundle through at most
 * {@code depth} intermediates, and, when the bundle has CRLs, no certificate of the path is revoked
 * by its issuer's CRL (which must exist and be current: nginx sets OpenSSL's {@code
 * X509_V_FLAG_CRL_CHECK_ALL}). Nothing is fetched from the network: no OCSP, no CRL distribution
 * points.
 */
public final class ChainCheck {

  private ChainCheck() {}

  /** Verifies {@code chain} (leaf first, as the client sent it) at {@code now}. */
  public static Verification verify(
      X509Certificate[] chain, CaBundle bundle, int depth, Instant now) {
    if (chain.length == 0) {
      return Verification.NONE;
    }
    X509Certificate leaf = chain[0];
    Date at = Date.from(now);
    for (X509Certificate certificate : chain) {
      try {
        certificate.checkValidity(at);
      } catch (CertificateExpiredException e) {
        return Verification.failed(leaf, Verification.Failure.EXPIRED);
      } catch (CertificateNotYetValidException e) {
        return Verification.failed(leaf, Verification.Failure.NOT_YET_VALID);
      }
    }
    List<X509Certificate> path = path(chain, bundle, at);
    if (path == null) {
      return Verification.failed(leaf, selfSigned(leaf)
          ? Verification.Failure.SELF_SIGNED : Verification.Failure.UNKNOWN_ISSUER);
    }
    // path = leaf, intermediates..., anchor
    if (path.size() - 2 > depth) {
      return Verification.failed(leaf, Verification.Failure.CHAIN_TOO_LONG);
    }
    if (!bundle.crls().isEmpty()) {
      for (int i = 0; i < path.size() - 1; i++) {
        Verification.Failure revoked = revocation(path.get(i), path.get(i + 1), bundle, at);
        if (revoked != null) {
          return Verification.failed(leaf, revoked);
        }
      }
    }
    return Verification.success(leaf);
  }

  /** The path from the leaf to its anchor (both included), or {@code null} when none exists. */
  private static @Nullable List<X509Certificate> path(
      X509Certificate[] chain, CaBundle bundle, Date at) {
    X509Certificate leaf = chain[0];
    for (X509Certificate anchor : bundle.certificates()) {
      if (anchor.equals(leaf)) {
        // A trusted certificate presented as itself: nothing to chain.
        return List.of(leaf, anchor);
      }
    }
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate ca : bundle.certificates()) {
        anchors.add(new TrustAnchor(ca, null));
      }
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(at);
      parameters.setMaxPathLength(-1);
      parameters.addCertStore(CertStore.getInstance("Collection",
          new CollectionCertStoreParameters(Arrays.asList(chain))));
      PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult)
          CertPathBuilder.getInstance("PKIX").build(parameters);
      List<X509Certificate> path = new ArrayList<>();
      for (var c : result.getCertPath().getCertificates()) {
        path.add((X509Certificate) c);
      }
      path.add(result.getTrustAnchor().getTrustedCert());
      return path;
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static Verification.@Nullable Failure revocation(
      X509Certificate certificate, X509Certificate issuer, CaBundle bundle, Date at) {
    for (X509CRL crl : bundle.crls()) {
      if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        continue;
      }
      try {
        crl.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        continue; // same name, another key: not this issuer's list
      }
      if (crl.getThisUpdate().after(at)) {
        return Verification.Failure.CRL_NOT_YET_VALID;
      }
      if (crl.getNextUpdate() != null && crl.getNextUpdate().before(at)) {
        return Verification.Failure.CRL_EXPIRED;
      }
      return crl.isRevoked(certificate) ? Verification.Failure.REVOKED : null;
    }
    return Verification.Failure.CRL_MISSING;
  }

  private static boolean selfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
