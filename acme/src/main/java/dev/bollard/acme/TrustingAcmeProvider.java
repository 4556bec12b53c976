package dev.bollard.acme;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider, trusting the JVM's default roots plus the given anchors: for private
 * CAs (step-ca, an internal Boulder) and test servers, without losing the public roots.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {
  private final SSLContext sslContext;
  private final List<X509Certificate> acceptedIssuers;

  TrustingAcmeProvider(List<X509Certificate> anchors) {
    try {
      var keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
      keyStore.load(null, null);
      int i = 0;
      for (X509Certificate root : defaultRoots()) {
        keyStore.setCertificateEntry("default-" + i++, root);
      }
      for (int a = 0; a < anchors.size(); a++) {
        keyStore.setCertificateEntry("anchor-" + a, anchors.get(a));
      }
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(keyStore);
      acceptedIssuers = accepted(trust.getTrustManagers());
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(null, trust.getTrustManagers(), null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "trustedCertificates: unusable as trust anchors: " + e.getMessage(), e);
    }
  }

  /** The roots the JVM trusts by default ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
  private static List<X509Certificate> defaultRoots() throws GeneralSecurityException {
    var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);
    return accepted(defaults.getTrustManagers());
  }

  private static List<X509Certificate> accepted(TrustManager[] managers) {
    List<X509Certificate> out = new ArrayList<>();
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        out.addAll(List.of(x509.getAcceptedIssuers()));
      }
    }
    return out;
  }

  /** Every root this provider trusts: the JVM's defaults and the extra anchors. */
  List<X509Certificate> acceptedIssuers() {
    return List.copyOf(acceptedIssuers);
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
