package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.acme.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateBundleTest {
  private final TestCertificates.Issued ca = TestCertificates.ca("bundle CA");
  private final Instant now = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void readsHostsAndValidityFromTheLeaf() {
    var leaf =
        TestCertificates.leaf(
            ca, now, now.plus(Duration.ofDays(90)), "B.example.com", "a.example.com");

    var bundle =
        CertificateBundle.parse(leaf.certificatePem() + ca.certificatePem(), leaf.privateKeyPem());

    assertThat(bundle.hosts()).containsExactly("a.example.com", "b.example.com");
    assertThat(bundle.notBefore()).isEqualTo(now);
    assertThat(bundle.notAfter()).isEqualTo(now.plus(Duration.ofDays(90)));
    assertThat(bundle.issuer()).isEqualTo("CN=bundle CA");
  }

  @Test
  void refusesAKeyOfAnotherCertificate() {
    var leaf = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(90)), "a.example.com");
    var other = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(90)), "a.example.com");

    assertThatThrownBy(() -> CertificateBundle.parse(leaf.certificatePem(), other.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to certificate");
  }

  @Test
  void refusesTextThatIsNotPem() {
    var leaf = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(90)), "a.example.com");

    assertThatThrownBy(() -> CertificateBundle.parse("garbage", leaf.privateKeyPem()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CertificateBundle.parse(leaf.certificatePem(), "garbage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void tlsAlpnCertificatesSurviveAPemRoundTrip() {
    var issued = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(7)), "a.example.com");
    var certificate = TlsAlpnCertificate.of(issued.certificate(), issued.keyPair().getPrivate());

    var copy = TlsAlpnCertificate.parse(certificate.certificatePem(), certificate.privateKeyPem());

    assertThat(copy.certificate()).isEqualTo(issued.certificate());
    assertThat(copy.privateKey()).isEqualTo(issued.keyPair().getPrivate());
  }
}
