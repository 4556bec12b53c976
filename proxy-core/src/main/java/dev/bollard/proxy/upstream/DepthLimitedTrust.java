package dev.bollard.proxy.upstream;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's verification of an upstream's certificate (chain to a trusted CA, and the name when the
 * engine asks for it) plus nginx's {@code proxy_ssl_verify_depth}: at most {@code depth}
 * intermediate CA certificates between the upstream's certificate and the trusted one, as OpenSSL
 * counts them (depth 1, nginx's default, allows one intermediate).
 */
final class DepthLimitedTrust extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager delegate;
  private final int depth;

  DepthLimitedTrust(X509ExtendedTrustManager delegate, int depth) {
    this.delegate = delegate;
    this.depth = depth;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkDepth(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkDepth(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkDepth(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  /**
   * Counts the certificates the upstream sent before the first one a trusted CA is or issued; the
   * chain already verified, so one of them is.
   */
  private void checkDepth(X509Certificate[] chain) throws CertificateException {
    X509Certificate[] anchors = delegate.getAcceptedIssuers();
    for (int i = 0; i < chain.length; i++) {
      X509Certificate cert = chain[i];
      // The trusted CA itself, sent along: the certificates before it are the path.
      if (i > 0 && isAnchor(cert, anchors)) {
        check(i - 1);
        return;
      }
      if (issuedByAnchor(cert, anchors)) {
        check(i);
        return;
      }
    }
    // Verified through certificates the upstream did not send (the JDK completed the path):
    // everything it sent but the first is an intermediate.
    check(Math.max(0, chain.length - 1));
  }

  private void check(int intermediates) throws CertificateException {
    if (intermediates > depth) {
      throw new CertificateException("the upstream's certificate chain has " + intermediates
          + " intermediate CA certificates; proxy-ssl-verify-depth allows " + depth);
    }
  }

  private static boolean isAnchor(X509Certificate cert, X509Certificate[] anchors) {
    for (X509Certificate anchor : anchors) {
      if (anchor.equals(cert)) {
        return true;
      }
    }
    return false;
  }

  private static boolean issuedByAnchor(X509Certificate cert, X509Certificate[] anchors) {
    for (X509Certificate anchor : anchors) {
      if (anchor.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
        try {
          cert.verify(anchor.getPublicKey());
          return true;
        } catch (GeneralSecurityException e) {
          // Same name, another key: not this anchor.
        }
      }
    }
    return false;
  }
}
