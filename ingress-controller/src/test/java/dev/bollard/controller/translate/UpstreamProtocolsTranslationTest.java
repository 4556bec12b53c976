package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code backend-protocol}, {@code proxy-ssl-*} and {@code service-upstream}, from the fixture
 * {@code translate/upstream-protocols.yaml}.
 */
class UpstreamProtocolsTranslationTest {

  private static final String ANN = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("upstream-protocols.yaml");

  private Route route(String host) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host))
        .map(VirtualHost::routes)
        .flatMap(List::stream)
        .findFirst().orElseThrow();
  }

  private UpstreamTls tls(String host) {
    return route(host).backend().tls();
  }

  private List<String> problems(String ingress) {
    return result.problems().stream()
        .filter(p -> p.resource().equals("Ingress shop/" + ingress))
        .map(p -> p.field() + ": " + p.message())
        .toList();
  }

  @Test
  void withoutAnnotationsTheBackendSpeaksPlainHttpToTheEndpoints() {
    Backend backend = route("plain.example.com").backend();
    assertThat(backend.tls()).isNull();
    assertThat(backend.endpoints())
        .containsExactly(new Endpoint("10.0.0.1", 8443), new Endpoint("10.0.0.2", 8443));
    assertThat(route("plain.example.com").features()).isEmpty();
  }

  @Test
  void httpsInAnyCaseIsTlsWithNginxDefaultsAndTheServicesNameToCheck() {
    assertThat(tls("https.example.com")).isEqualTo(new UpstreamTls(
        List.of("TLSv1.2", "TLSv1.3"), false, 1, "web.shop.svc", false, null, null, null, false,
        ""));
    assertThat(problems("https")).isEmpty();
  }

  @Test
  void autoHttpIsTlsOnlyForRequestsThatCameOverTls() {
    assertThat(tls("auto.example.com").onlyForTlsClients()).isTrue();
  }

  @Test
  void theSecretGivesTheClientCertificateAndTheCasAndTheOtherAnnotationsApply() {
    UpstreamTls tls = tls("mtls.example.com");
    assertThat(tls.verify()).isTrue();
    assertThat(tls.verifyDepth()).isEqualTo(2);
    assertThat(tls.serverName()).isEqualTo("backend.internal");
    assertThat(tls.sni()).isTrue();
    // TLSv1.1 is not spoken; the versions are sorted, as ingress-nginx sorts them.
    assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(tls.clientChainPem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(tls.clientKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(tls.trustedCaPem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(tls.secret()).isEqualTo("shop/upstream-mtls");
    assertThat(tls.toString()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");
    assertThat(problems("mtls")).isEmpty();
    assertThat(route("mtls.example.com").features()).isEmpty();
  }

  @Test
  void aSecretWithOnlyCasVerifiesWithoutAClientCertificate() {
    UpstreamTls tls = tls("ca-only.example.com");
    assertThat(tls.trustedCaPem()).isNotNull();
    assertThat(tls.clientChainPem()).isNull();
    assertThat(tls.verify()).isTrue();
  }

  @Test
  void anExternalNameIsCheckedUnderItsOwnName() {
    assertThat(tls("external.example.com").serverName()).isEqualTo("api.partner.example");
  }

  @Test
  void anUnusableSecretIsAProblemAndTheRoutesAnswer503() {
    for (String ingress : List.of("missing", "empty", "elsewhere")) {
      Route route = route(ingress + ".example.com");
      assertThat(route.features()).singleElement().isInstanceOf(UpstreamRefused.class);
      assertThat(route.backend().endpoints()).isEmpty();
      assertThat(problems(ingress)).singleElement().asString()
          .startsWith(ANN + "proxy-ssl-secret]: value ")
          .contains("routes answer 503");
    }
    assertThat(problems("missing")).singleElement().asString()
        .contains("Secret shop/nope not found; create it with tls.crt and tls.key");
    assertThat(problems("empty")).singleElement().asString()
        .contains("holds neither tls.crt/tls.key nor ca.crt");
    assertThat(problems("elsewhere")).singleElement().asString()
        .contains("must be in the Ingress's namespace shop");
  }

  @Test
  void aVerifyValueThatIsNeitherOnNorOffFailsClosed() {
    assertThat(route("verify-typo.example.com").features())
        .singleElement().isInstanceOf(UpstreamRefused.class);
    assertThat(problems("verify-typo")).singleElement().asString()
        .startsWith(ANN + "proxy-ssl-verify]: value \"yes\" refused: expected on or off");
  }

  @Test
  void otherBadValuesAreProblemsAndTheirDefaultsApply() {
    assertThat(tls("bad-values.example.com")).isEqualTo(new UpstreamTls(
        List.of("TLSv1.2", "TLSv1.3"), false, 1, "web.shop.svc", false, null, null, null, false,
        ""));
    assertThat(route("bad-values.example.com").features()).isEmpty();
    assertThat(problems("bad-values")).satisfiesExactlyInAnyOrder(
        p -> assertThat(p).startsWith(ANN + "proxy-ssl-verify-depth]: value \"deep\""),
        p -> assertThat(p).startsWith(ANN + "proxy-ssl-name]: value \"not a name\""),
        p -> assertThat(p).startsWith(ANN + "proxy-ssl-server-name]: value \"true\""),
        p -> assertThat(p).startsWith(ANN + "proxy-ssl-protocols]: value \"TLSv1 TLSv1.1\"")
            .contains("only TLSv1.2 and TLSv1.3"),
        // Not parsed: the ingress-nginx table calls it ignored, and says so.
        p -> assertThat(p).startsWith(ANN + "proxy-ssl-ciphers]: ignored: "));
  }

  @Test
  void grpcIsHttp2InClearTextAndGrpcsHttp2InTlsWithTheProxySslSettings() {
    Backend grpc = route("grpc.example.com").backend();
    assertThat(grpc.http2()).isTrue();
    assertThat(grpc.tls()).isNull();
    assertThat(problems("grpc")).isEmpty();
    Backend grpcs = route("grpcs.example.com").backend();
    assertThat(grpcs.http2()).isTrue();
    assertThat(grpcs.tls()).isEqualTo(new UpstreamTls(
        List.of("TLSv1.2", "TLSv1.3"), false, 1, "web.shop.svc", true, null, null, null, false,
        ""));
    assertThat(problems("grpcs")).isEmpty();
    assertThat(route("https.example.com").backend().http2()).isFalse();
    assertThat(route("plain.example.com").backend().http2()).isFalse();
  }

  @Test
  void protocolsBollardDoesNotSpeakAreProblemsAndTheBackendGetsHttp() {
    assertThat(tls("fcgi.example.com")).isNull();
    assertThat(tls("typo.example.com")).isNull();
    assertThat(route("fcgi.example.com").backend().http2()).isFalse();
    assertThat(problems("fcgi")).singleElement().asString().contains("does not speak FastCGI");
    assertThat(problems("typo")).singleElement().asString()
        .contains("expected HTTP, HTTPS, AUTO_HTTP, GRPC or GRPCS");
  }

  @Test
  void serviceUpstreamIsTheClusterIpAndServicePort() {
    assertThat(route("cluster-ip.example.com").backend().endpoints())
        .containsExactly(new Endpoint("10.96.0.10", 443));
    Backend tls = route("cluster-ip-tls.example.com").backend();
    assertThat(tls.endpoints()).containsExactly(new Endpoint("10.96.0.10", 443));
    assertThat(tls.tls()).isNotNull();
  }

  @Test
  void aHeadlessServiceKeepsItsEndpointsWithAProblem() {
    assertThat(route("headless.example.com").backend().endpoints())
        .containsExactly(new Endpoint("10.0.0.3", 8443));
    assertThat(problems("headless")).singleElement().asString()
        .startsWith(ANN + "service-upstream]: Service shop/headless has no cluster IP");
  }
}
