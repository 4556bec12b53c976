package dev.bollard.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.ClientPki;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client certificates (ingress-nginx's {@code auth-tls-*}) through a real proxy with TLS and a JDK
 * client presenting certificates generated here: verification outcomes, what the upstream hears,
 * and the SNI/{@code Host} bypass.
 */
class ClientCertificateTest {

  private static final TestPki.Pem SECURE = TestPki.issue("secure.test");
  private static final TestPki.Pem OPEN = TestPki.issue("open.test");
  private static final ClientPki.Issued CA = ClientPki.ca("Test CA");
  private static final ClientPki.Issued ALICE = ClientPki.client("CN=alice,O=Example", CA);
  private static final ClientPki.Issued OTHER_CA = ClientPki.ca("Other CA");

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend secure;
  private TestBackend open;
  private ProxyServer server;

  private void start(SslProvider provider, ClientAuth auth) throws Exception {
    secure = TestBackend.start("secure", TestBackend.echo());
    open = TestBackend.start("open", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0))
        .provider(provider).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
    publish(auth);
  }

  private void start(ClientAuth auth) throws Exception {
    start(SslProvider.JDK, auth);
  }

  private void publish(ClientAuth auth) {
    Backend secureBackend = Snapshots.backend("test/secure:80", secure);
    Backend openBackend = Snapshots.backend("test/open:80", open);
    routes.publish(Snapshots.of(Snapshots.host("secure.test", secureBackend),
            Snapshots.host("open.test", openBackend))
        .withTls(new TlsSettings(List.of(binding("secure.test", SECURE), binding("open.test", OPEN)),
            Map.of(), Set.of()).withClientAuth(Map.of("secure.test", auth))));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (secure != null) {
      secure.close();
      open.close();
    }
  }

  private static TlsBinding binding(String host, TestPki.Pem pem) {
    return new TlsBinding(RouteSource.ingress("test", host), "test/" + host, List.of(host),
        pem.chain(), pem.key(), false);
  }

  private static ClientAuth auth(ClientAuth.Verify verify) {
    return settings(verify, null, 1, null, false, null);
  }

  private static ClientAuth settings(ClientAuth.Verify verify, @Nullable String crl, int depth,
      @Nullable String errorPage, boolean pass, @Nullable String matchCn) {
    return new ClientAuth(RouteSource.ingress("test", "secure"), "test/client-ca", CA.pem(), crl,
        verify, depth, errorPage, pass, matchCn);
  }

  private TlsClient.Response getPresenting(ClientPki.Issued client)
      throws Exception {
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "secure.test",
        client.key(), client.certificate())) {
      return tls.get("secure.test", "/");
    }
  }

  /** The request headers the echo backend received, lower-case names. */
  private static Map<String, String> upstreamHeaders(TlsClient.Response response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    return headers;
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aValidCertificatePassesAndTheUpstreamHearsWhoItIs(SslProvider provider) throws Exception {
    start(provider, auth(ClientAuth.Verify.ON));
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "secure.test",
        ALICE.key(), ALICE.certificate())) {
      // The client's own copies of the headers never reach the upstream.
      TlsClient.Response response = tls.get("secure.test", "/",
          "ssl-client-verify: SUCCESS", "ssl-client-subject-dn: CN=admin",
          "ssl-client-cert: forged");
      assertThat(response.status()).isEqualTo(200);
      Map<String, String> upstream = upstreamHeaders(response);
      assertThat(upstream).containsEntry("ssl-client-verify", "SUCCESS")
          .containsEntry("ssl-client-subject-dn", "O=Example,CN=alice")
          .containsEntry("ssl-client-issuer-dn", "CN=Test CA")
          .doesNotContainKey("ssl-client-cert");
      assertThat(response.body()).doesNotContain("CN=admin").doesNotContain("forged");

      // Verified once per connection: the next request on it passes too.
      assertThat(tls.get("secure.test", "/").status()).isEqualTo(200);
    }
    assertThat(secure.requests()).isEqualTo(2);
  }

  @Test
  void theCertificateGoesUpstreamUrlEscapedWhenAsked() throws Exception {
    start(settings(ClientAuth.Verify.ON, null, 1, null, true, null));
    TlsClient.Response response = getPresenting(ALICE);
    assertThat(response.status()).isEqualTo(200);
    String escaped = upstreamHeaders(response).get("ssl-client-cert");
    assertThat(escaped).startsWith("-----BEGIN%20CERTIFICATE-----%0A")
        .endsWith("-----END%20CERTIFICATE-----%0A")
        .doesNotContain("+").doesNotContain("/").doesNotContain("=");
    String pem = URLDecoder.decode(escaped, StandardCharsets.US_ASCII);
    assertThat(pem.replace("\r", "")).isEqualTo(ALICE.pem().replace("\r", ""));
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void anExpiredCertificateIsAnswered400(SslProvider provider) throws Exception {
    start(provider, auth(ClientAuth.Verify.ON));
    ClientPki.Issued expired = ClientPki.client("CN=old", CA,
        Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    TlsClient.Response response = getPresenting(expired);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("The SSL certificate error");
    assertThat(secure.requests()).isZero();
  }

  @Test
  void aCertificateOfAnotherCaIsAnswered400() throws Exception {
    start(auth(ClientAuth.Verify.ON));
    TlsClient.Response response = getPresenting(ClientPki.client("CN=mallory", OTHER_CA));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("The SSL certificate error");
    assertThat(secure.requests()).isZero();
  }

  @Test
  void aRevokedCertificateIsAnswered400AndOthersOfItsCaPass() throws Exception {
    ClientPki.Issued revoked = ClientPki.client("CN=bob", CA);
    start(settings(ClientAuth.Verify.ON, ClientPki.pem(ClientPki.crl(CA, revoked.certificate())),
        1, null, false, null));
    TlsClient.Response response = getPresenting(revoked);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("The SSL certificate error");

    assertThat(getPresenting(ALICE).status()).isEqualTo(200);
    assertThat(secure.requests()).isEqualTo(1);
  }

  @Test
  void withoutACertificateOnIsAnswered400AndOptionalPassesWithNone() throws Exception {
    start(auth(ClientAuth.Verify.ON));
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "secure.test")) {
      TlsClient.Response response = tls.get("secure.test", "/");
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("No required SSL certificate was sent");
    }
    assertThat(secure.requests()).isZero();

    publish(auth(ClientAuth.Verify.OPTIONAL));
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "secure.test")) {
      TlsClient.Response response = tls.get("secure.test", "/");
      assertThat(response.status()).isEqualTo(200);
      assertThat(upstreamHeaders(response)).containsEntry("ssl-client-verify", "NONE")
          .doesNotContainKey("ssl-client-subject-dn");
    }
  }

  @Test
  void optionalStillRefusesAnInvalidCertificateAndOptionalNoCaPassesAnUnknownIssuer()
      throws Exception {
    start(auth(ClientAuth.Verify.OPTIONAL));
    ClientPki.Issued mallory = ClientPki.client("CN=mallory", OTHER_CA);
    assertThat(getPresenting(mallory).status()).isEqualTo(400);

    publish(auth(ClientAuth.Verify.OPTIONAL_NO_CA));
    TlsClient.Response response = getPresenting(mallory);
    assertThat(response.status()).isEqualTo(200);
    assertThat(upstreamHeaders(response))
        .containsEntry("ssl-client-verify", "FAILED:unable to get local issuer certificate")
        .containsEntry("ssl-client-subject-dn", "CN=mallory");

    // An expired certificate is an error even for optional_no_ca.
    assertThat(getPresenting(ClientPki.client("CN=old", CA,
        Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1))))
        .status()).isEqualTo(400);
  }

  @Test
  void aSubjectThatMatchCnRefusesIsAnswered403() throws Exception {
    start(settings(ClientAuth.Verify.ON, null, 1, null, false, "CN=(bob|carol)"));
    TlsClient.Response refused = getPresenting(ALICE);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(secure.requests()).isZero();

    publish(settings(ClientAuth.Verify.ON, null, 1, null, false, "CN=(alice|bob)"));
    assertThat(getPresenting(ALICE).status()).isEqualTo(200);
  }

  @Test
  void aFailedVerificationIsRedirectedToTheErrorPage() throws Exception {
    start(settings(ClientAuth.Verify.ON, null, 1, "https://errors.test/cert", false, null));
    TlsClient.Response noCertificate;
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "secure.test")) {
      noCertificate = tls.get("secure.test", "/");
    }
    assertThat(noCertificate.status()).isEqualTo(302);
    assertThat(noCertificate.headers()).containsEntry("location", "https://errors.test/cert");

    TlsClient.Response wrongCa = getPresenting(ClientPki.client("CN=mallory", OTHER_CA));
    assertThat(wrongCa.status()).isEqualTo(302);
    assertThat(wrongCa.headers()).containsEntry("location", "https://errors.test/cert");
    assertThat(secure.requests()).isZero();
  }

  @Test
  void theDepthLimitsIntermediates() throws Exception {
    ClientPki.Issued first = ClientPki.intermediate("Intermediate 1", CA);
    ClientPki.Issued second = ClientPki.intermediate("Intermediate 2", first);
    ClientPki.Issued deep = ClientPki.client("CN=deep", second);
    start(auth(ClientAuth.Verify.ON));
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "secure.test",
        deep.key(), deep.certificate(), second.certificate(), first.certificate())) {
      assertThat(tls.get("secure.test", "/").status()).isEqualTo(400);
    }
    publish(settings(ClientAuth.Verify.ON, null, 2, null, false, null));
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "secure.test",
        deep.key(), deep.certificate(), second.certificate(), first.certificate())) {
      TlsClient.Response response = tls.get("secure.test", "/");
      assertThat(response.status()).isEqualTo(200);
      assertThat(upstreamHeaders(response)).containsEntry("ssl-client-issuer-dn",
          "CN=Intermediate 2");
    }
  }

  @Test
  void anExactHostBesideAWildcardWithClientCertificatesIsNotAskedForOne() throws Exception {
    start(auth(ClientAuth.Verify.ON));
    Backend secureBackend = Snapshots.backend("test/secure:80", secure);
    Backend openBackend = Snapshots.backend("test/open:80", open);
    routes.publish(Snapshots.of(Snapshots.host("*.wild.test", secureBackend),
            Snapshots.host("open.wild.test", openBackend))
        .withTls(new TlsSettings(List.of(), Map.of(), Set.of())
            .withClientAuth(Map.of("*.wild.test", auth(ClientAuth.Verify.ON)))));
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "a.wild.test",
        ALICE.key(), ALICE.certificate())) {
      assertThat(tls.sentCertificate()).isTrue();
      assertThat(upstreamHeaders(tls.get("a.wild.test", "/")))
          .containsEntry("ssl-client-verify", "SUCCESS");
    }
    // Routing sends open.wild.test to its own host, which asks for nothing: neither does its
    // handshake (a browser would otherwise prompt for a certificate).
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "open.wild.test",
        ALICE.key(), ALICE.certificate())) {
      assertThat(tls.sentCertificate()).isFalse();
      assertThat(tls.get("open.wild.test", "/").status()).isEqualTo(200);
    }
  }

  /** The same bypass {@code GuardOverTlsTest} closes for Basic auth. */
  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aHostHeaderDifferentFromSniCannotSkipTheCertificate(SslProvider provider)
      throws Exception {
    start(provider, auth(ClientAuth.Verify.ON));
    // A handshake for the open host asks for no certificate; the requirement is the routed host's.
    try (TlsClient tls = TlsClient.connectPresenting(server.httpsPort(), "open.test",
        ALICE.key(), ALICE.certificate())) {
      TlsClient.Response sneaky = tls.get("secure.test", "/");
      assertThat(sneaky.status()).isEqualTo(421);
    }
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "open.test")) {
      assertThat(tls.get("open.test", "/").status()).isEqualTo(200);
      assertThat(tls.get("secure.test", "/").status()).isEqualTo(421);
    }
    // Without SNI, the handshake asked for nothing: no certificate was sent.
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), null)) {
      assertThat(tls.get("secure.test", "/").status()).isEqualTo(400);
    }
    // Over plain HTTP the redirect to HTTPS comes first (REDIRECT runs before ACCESS).
    assertThat(TlsClient.plainGet(server.port(), "secure.test", "/").status()).isEqualTo(308);
    assertThat(secure.requests()).isZero();
    assertThat(open.requests()).isEqualTo(1);
  }
}
