package dev.bollard.proxy.testing;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS from the client's side for tests: which certificate a listener presents for a name. */
public final class TlsProbe {

  private TlsProbe() {}

  /** A client context that accepts any certificate: the tests check the certificate themselves. */
  public static SSLContext trustAll() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return context;
  }

  /** Handshakes with 127.0.0.1:{@code port} sending SNI {@code host}; the leaf it was shown. */
  public static X509Certificate peerCertificate(int port, String host) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
