package dev.bollard.proxy.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a handshake that asks for a client certificate: it names the host's CAs in
 * the certificate request and accepts whatever chain the client sends, so that the handshake
 * completes and the request can be answered as nginx answers it (400, a redirect to {@code
 * auth-tls-error-page}, or passed on with {@code ssl-client-verify: FAILED:…} for {@code
 * optional_no_ca}) instead of a TLS alert. The chain is verified after the handshake, once per
 * connection ({@link dev.bollard.proxy.clientcert.HandshakeCertificate}), by the step of the host
 * the request is routed to. Never used to trust a server.
 */
final class DeferredClientTrust extends X509ExtendedTrustManager {

  private final X509Certificate[] issuers;

  DeferredClientTrust(List<X509Certificate> issuers) {
    this.issuers = issuers.toArray(new X509Certificate[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // Deferred: see the class comment.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // Deferred: see the class comment.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // Deferred: see the class comment.
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client-certificate trust manager trusts no server");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client-certificate trust manager trusts no server");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client-certificate trust manager trusts no server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return issuers.clone();
  }
}
