package dev.bollard.proxy.clientcert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.testing.ClientPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verification outcomes with nginx's (OpenSSL's) wording, one per way a chain can fail. */
class ChainCheckTest {

  private static final ClientPki.Issued CA = ClientPki.ca("Root");
  private static final ClientPki.Issued OTHER = ClientPki.ca("Other");
  private static final ClientPki.Issued ALICE = ClientPki.client("CN=alice", CA);
  private static final Instant NOW = Instant.now();

  private static CaBundle bundle(ClientPki.Issued... cas) {
    return new CaBundle(
        java.util.Arrays.stream(cas).map(ClientPki.Issued::certificate).toList(), List.of());
  }

  private static String status(X509Certificate[] chain, CaBundle bundle, int depth) {
    return ChainCheck.verify(chain, bundle, depth, NOW).status();
  }

  @Test
  void aCertificateOfATrustedCaVerifies() {
    Verification v = ChainCheck.verify(
        new X509Certificate[] {ALICE.certificate()}, bundle(OTHER, CA), 1, NOW);
    assertThat(v.status()).isEqualTo("SUCCESS");
    assertThat(v.verified()).isTrue();
    assertThat(v.subjectDn()).isEqualTo("CN=alice");
    assertThat(v.issuerDn()).isEqualTo("CN=Root");
  }

  @Test
  void validityIsCheckedFirst() {
    ClientPki.Issued later = ClientPki.client("CN=later", CA, NOW.plus(Duration.ofDays(1)),
        NOW.plus(Duration.ofDays(2)));
    assertThat(status(new X509Certificate[] {later.certificate()}, bundle(CA), 1))
        .isEqualTo("FAILED:certificate is not yet valid");
    ClientPki.Issued old = ClientPki.client("CN=old", OTHER, NOW.minus(Duration.ofDays(2)),
        NOW.minus(Duration.ofDays(1)));
    assertThat(status(new X509Certificate[] {old.certificate()}, bundle(CA), 1))
        .isEqualTo("FAILED:certificate has expired");
  }

  @Test
  void anUnknownIssuerIsWhatOptionalNoCaLetsThrough() {
    Verification v = ChainCheck.verify(
        new X509Certificate[] {ALICE.certificate()}, bundle(OTHER), 1, NOW);
    assertThat(v.status()).isEqualTo("FAILED:unable to get local issuer certificate");
    assertThat(v.failure().issuerUnknown()).isTrue();
    assertThat(v.subjectDn()).isEqualTo("CN=alice");
    assertThat(status(new X509Certificate[] {OTHER.certificate()}, bundle(CA), 1))
        .isEqualTo("FAILED:self-signed certificate");
  }

  @Test
  void depthCountsIntermediatesAndATrustedIntermediateEndsThePath() {
    ClientPki.Issued one = ClientPki.intermediate("One", CA);
    ClientPki.Issued two = ClientPki.intermediate("Two", one);
    ClientPki.Issued deep = ClientPki.client("CN=deep", two);
    X509Certificate[] sent = {deep.certificate(), two.certificate(), one.certificate()};
    assertThat(status(sent, bundle(CA), 1)).isEqualTo("FAILED:certificate chain too long");
    assertThat(status(sent, bundle(CA), 2)).isEqualTo("SUCCESS");
    // An intermediate in ca.crt is trusted itself: nothing above it is needed.
    assertThat(status(new X509Certificate[] {deep.certificate()}, bundle(two), 1))
        .isEqualTo("SUCCESS");
  }

  @Test
  void withCrlsEveryIssuerNeedsACurrentOne() {
    ClientPki.Issued bob = ClientPki.client("CN=bob", CA);
    X509Certificate[] alice = {ALICE.certificate()};
    CaBundle revoking = new CaBundle(List.of(CA.certificate()),
        List.of(ClientPki.crl(CA, bob.certificate())));
    assertThat(status(alice, revoking, 1)).isEqualTo("SUCCESS");
    assertThat(status(new X509Certificate[] {bob.certificate()}, revoking, 1))
        .isEqualTo("FAILED:certificate revoked");

    CaBundle otherCrlOnly = new CaBundle(List.of(CA.certificate(), OTHER.certificate()),
        List.of(ClientPki.crl(OTHER)));
    assertThat(status(alice, otherCrlOnly, 1)).isEqualTo("FAILED:unable to get certificate CRL");

    CaBundle stale = new CaBundle(List.of(CA.certificate()), List.of(ClientPki.crl(CA,
        NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(1)))));
    assertThat(status(alice, stale, 1)).isEqualTo("FAILED:CRL has expired");
  }

  @Test
  void theEscapedPemIsNginxsEscapedCert() {
    assertThat(Verification.escape("-----BEGIN CERTIFICATE-----\nMII+/=\n"))
        .isEqualTo("-----BEGIN%20CERTIFICATE-----%0AMII%2B%2F%3D%0A");
    assertThat(Verification.NONE.escapedPem()).isEmpty();
    assertThat(Verification.NONE.status()).isEqualTo("NONE");
  }

  @Test
  void aBundleNamesWhatIsWrong() {
    assertThatThrownBy(() -> CaBundle.parse("nothing", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.crt");
    assertThatThrownBy(() -> CaBundle.parse(CA.pem(), "-----BEGIN X509 CRL-----\nAAAA\n"
        + "-----END X509 CRL-----\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ca.crl");
    assertThat(CaBundle.parse(CA.pem() + OTHER.pem(), null).certificates()).hasSize(2);
  }
}
