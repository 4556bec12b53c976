package dev.bollard.acme;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider, but trusting only the given anchors: for private CAs and test servers.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {
  private final SSLContext sslContext;

  TrustingAcmeProvider(List<X509Certificate> anchors) {
    try {
      var keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
      keyStore.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        keyStore.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(keyStore);
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(null, trust.getTrustManagers(), null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "trustedCertificates: unusable as trust anchors: " + e.getMessage(), e);
    }
  }

  @Override
  protected HttpConnector createHttpConnector(NetworkSettings settings) {
    return new HttpConnector(settings) {
      @Override
      public HttpClient.Builder createClientBuilder() {
        return super.createClientBuilder().sslContext(sslContext);
      }
    };
  }
}
