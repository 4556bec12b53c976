package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.acme.testing.TestCertificates;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TrustingAcmeProviderTest {

  @Test
  void trustsTheAnchorBesideTheJvmDefaultRoots() throws Exception {
    X509Certificate anchor = TestCertificates.ca("private ACME CA").certificate();
    var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);
    List<X509Certificate> defaultRoots =
        List.of(((X509TrustManager) defaults.getTrustManagers()[0]).getAcceptedIssuers());
    assertThat(defaultRoots).as("the JVM ships public roots").isNotEmpty();

    List<X509Certificate> trusted = new TrustingAcmeProvider(List.of(anchor)).acceptedIssuers();

    assertThat(trusted).contains(anchor).containsAll(defaultRoots);
  }
}
