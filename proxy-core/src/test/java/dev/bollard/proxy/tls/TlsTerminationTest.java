package dev.bollard.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsTerminationTest {

  private static final TestPki.Pem SHOP = TestPki.issue("shop.test");
  private static final TestPki.Pem ADMIN = TestPki.issueWith("RSA", "admin.test");
  private static final TestPki.Pem WILD = TestPki.issue("*.preview.test");
  private static final RouteSource INGRESS = RouteSource.ingress("web", "shop");

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend backend;
  private ProxyServer server;
  private EdgeTls edge;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(EdgeTls.Builder builder) throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    edge = builder.https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
  }

  private RoutingSnapshot snapshot(TlsBinding... bindings) {
    Backend app = Snapshots.backend("web/app:80", backend);
    return Snapshots.of(Snapshots.host("shop.test", app), Snapshots.host("admin.test", app),
            Snapshots.host("*.preview.test", app), Snapshots.host("plain.test", app))
        .withTls(new TlsSettings(List.of(bindings), Map.of(), Set.of()));
  }

  private static TlsBinding binding(String host, TestPki.Pem pem) {
    return new TlsBinding(INGRESS, "web/" + host, List.of(host), pem.chain(), pem.key(), false);
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void sniPicksTheCertificateOfTheHost(SslProvider provider) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        provider == SslProvider.JDK || io.netty.handler.ssl.OpenSsl.isAvailable(),
        "OpenSSL not loadable here");
    start(EdgeTls.builder().provider(provider));
    routes.publish(snapshot(binding("shop.test", SHOP), binding("admin.test", ADMIN),
        binding("*.preview.test", WILD)));

    try (TlsClient shop = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(shop.peer()).isEqualTo(SHOP.certificate());
      TlsClient.Response response = shop.get("shop.test", "/hello");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).containsIgnoringCase("x-forwarded-proto: https");
      assertThat(response.headers()).containsEntry("strict-transport-security",
          "max-age=31536000; includeSubDomains");
    }
    try (TlsClient admin = TlsClient.connect(server.httpsPort(), "admin.test")) {
      assertThat(admin.peer()).isEqualTo(ADMIN.certificate());
    }
    try (TlsClient preview = TlsClient.connect(server.httpsPort(), "pr-12.preview.test")) {
      assertThat(preview.peer()).isEqualTo(WILD.certificate());
    }
    try (TlsClient other = TlsClient.connect(server.httpsPort(), "plain.test")) {
      assertThat(other.peer()).isEqualTo(edge.defaultCertificate().leaf());
    }
    try (TlsClient anonymous = TlsClient.connect(server.httpsPort(), null)) {
      assertThat(anonymous.peer()).isEqualTo(edge.defaultCertificate().leaf());
    }
  }

  @Test
  void theAccessLogFactsCarryTlsVersionAndSni() throws Exception {
    List<RequestFacts> completed = new CopyOnWriteArrayList<>();
    backend = TestBackend.start("app", TestBackend.echo());
    edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes,
        new RequestTelemetry(completed::add, null), edge);
    routes.publish(snapshot(binding("shop.test", SHOP)));

    try (TlsClient shop = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(shop.get("SHOP.test:8443", "/hello").status()).isEqualTo(200);
    }
    TlsClient.plainGet(server.port(), "plain.test", "/");

    await().atMost(Duration.ofSeconds(10)).until(() -> completed.size() == 2);
    RequestFacts https = completed.stream().filter(f -> f.host().equals("shop.test")).findFirst()
        .orElseThrow();
    assertThat(https.tlsVersion()).isIn("TLSv1.2", "TLSv1.3");
    assertThat(https.sni()).isEqualTo("shop.test");
    RequestFacts plain = completed.stream().filter(f -> f.host().equals("plain.test")).findFirst()
        .orElseThrow();
    assertThat(plain.tlsVersion()).isEmpty();
    assertThat(plain.sni()).isEmpty();
  }

  @Test
  void onlyTls12And13AreSpoken() throws Exception {
    start(EdgeTls.builder());
    routes.publish(snapshot(binding("shop.test", SHOP)));
    try (TlsClient tls13 = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(tls13.protocol()).isEqualTo("TLSv1.3");
    }
    try (TlsClient tls12 = TlsClient.connectWith(server.httpsPort(), "shop.test",
        new String[] {"TLSv1.2"})) {
      assertThat(tls12.protocol()).isEqualTo("TLSv1.2");
    }
    assertThatThrownBy(() -> TlsClient.connectWith(server.httpsPort(), "shop.test",
        new String[] {"TLSv1.1"})).isInstanceOf(SSLException.class);
  }

  @Test
  void brokenCertificateFallsBackToTheDefaultWhileOtherHostsKeepTheirs() throws Exception {
    start(EdgeTls.builder());
    // A key that does not belong to the certificate, and a Secret the translator found broken.
    TlsBinding mismatched = new TlsBinding(INGRESS, "web/admin", List.of("admin.test"),
        ADMIN.chain(), SHOP.key(), false);
    TlsBinding missing = new TlsBinding(INGRESS, "web/preview", List.of("*.preview.test"),
        null, null, false);
    routes.publish(snapshot(binding("shop.test", SHOP), mismatched, missing));

    try (TlsClient admin = TlsClient.connect(server.httpsPort(), "admin.test")) {
      assertThat(admin.peer()).isEqualTo(edge.defaultCertificate().leaf());
    }
    try (TlsClient preview = TlsClient.connect(server.httpsPort(), "a.preview.test")) {
      assertThat(preview.peer()).isEqualTo(edge.defaultCertificate().leaf());
    }
    try (TlsClient shop = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(shop.peer()).isEqualTo(SHOP.certificate());
    }
  }

  @Test
  void certificateSwapReachesNewHandshakesWhileOpenConnectionsKeepWorking() throws Exception {
    start(EdgeTls.builder());
    routes.publish(snapshot(binding("shop.test", SHOP)));
    try (TlsClient open = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(open.get("shop.test", "/before").status()).isEqualTo(200);

      TestPki.Pem renewed = TestPki.issue("shop.test");
      routes.publish(snapshot(binding("shop.test", renewed)));

      try (TlsClient fresh = TlsClient.connect(server.httpsPort(), "shop.test")) {
        assertThat(fresh.peer()).isEqualTo(renewed.certificate());
      }
      assertThat(open.peer()).isEqualTo(SHOP.certificate());
      assertThat(open.get("shop.test", "/after").status()).isEqualTo(200);
    }
  }

  @Test
  void defaultCertificateCanBeReplaced() throws Exception {
    TestPki.Pem fallback = TestPki.issue("fallback.test");
    start(EdgeTls.builder().defaultCertificate(CertifiedKey.parse(fallback.chain(), fallback.key())));
    routes.publish(snapshot());
    try (TlsClient client = TlsClient.connect(server.httpsPort(), "plain.test")) {
      assertThat(client.peer()).isEqualTo(fallback.certificate());
    }
    TestPki.Pem next = TestPki.issue("next.test");
    edge.setDefaultCertificate(CertifiedKey.parse(next.chain(), next.key()));
    try (TlsClient client = TlsClient.connect(server.httpsPort(), "plain.test")) {
      assertThat(client.peer()).isEqualTo(next.certificate());
    }
  }

  @Test
  void tlsAlpn01ChallengeIsPresentedOnlyToAcmeTlsClients() throws Exception {
    TestPki.Pem challenge = TestPki.issueWith("RSA", "shop.test");
    CertifiedKey challengeKey = CertifiedKey.parse(challenge.chain(), challenge.key());
    start(EdgeTls.builder().tlsAlpn01(
        host -> host.equals("shop.test") ? Optional.of(challengeKey) : Optional.empty()));
    routes.publish(snapshot(binding("shop.test", SHOP)));

    try (TlsClient validator = TlsClient.connect(server.httpsPort(), "shop.test", "acme-tls/1")) {
      assertThat(validator.peer()).isEqualTo(challenge.certificate());
      assertThat(validator.applicationProtocol()).isEqualTo("acme-tls/1");
    }
    try (TlsClient browser = TlsClient.connect(server.httpsPort(), "shop.test", "h2", "http/1.1")) {
      assertThat(browser.peer()).isEqualTo(SHOP.certificate());
      assertThat(browser.applicationProtocol()).isEqualTo("h2");
    }
  }

  @Test
  void alpnOffersH2FirstUnlessUseHttp2IsOff() throws Exception {
    start(EdgeTls.builder());
    routes.publish(snapshot(binding("shop.test", SHOP)));
    try (TlsClient browser = TlsClient.connect(server.httpsPort(), "shop.test", "h2", "http/1.1");
        TlsClient anonymous = TlsClient.connect(server.httpsPort(), null, "h2", "http/1.1");
        TlsClient old = TlsClient.connect(server.httpsPort(), "shop.test", "http/1.1")) {
      assertThat(browser.applicationProtocol()).isEqualTo("h2");
      assertThat(anonymous.applicationProtocol()).isEqualTo("h2");
      assertThat(old.applicationProtocol()).isEqualTo("http/1.1");
    }
    RoutingSnapshot on = snapshot(binding("shop.test", SHOP));
    routes.publish(on.withSettings(on.settings().toBuilder()
        .http2(on.settings().http2().withEnabled(false)).build()));
    try (TlsClient browser = TlsClient.connect(server.httpsPort(), "shop.test", "h2", "http/1.1");
        TlsClient anonymous = TlsClient.connect(server.httpsPort(), null, "h2", "http/1.1")) {
      assertThat(browser.applicationProtocol()).isEqualTo("http/1.1");
      assertThat(anonymous.applicationProtocol()).isEqualTo("http/1.1");
      assertThat(browser.get("shop.test", "/").status()).isEqualTo(200);
    }
  }

  @Test
  void plainRequestsToTlsHostsRedirectExceptAcmeChallenges() throws Exception {
    start(EdgeTls.builder().redirectPort(8443)
        .http01(token -> token.equals("tok-1") ? Optional.of("tok-1.thumb") : Optional.empty()));
    RouteSource relaxed = RouteSource.ingress("web", "relaxed");
    RouteSource forced = RouteSource.ingress("web", "forced");
    Backend app = Snapshots.backend("web/app:80", backend);
    routes.publish(Snapshots.of(Snapshots.host("shop.test", app),
            new dev.bollard.proxy.config.VirtualHost("admin.test", List.of(
                new dev.bollard.proxy.config.Route(new dev.bollard.proxy.config.PathMatch.Prefix("/"),
                    app, relaxed))),
            new dev.bollard.proxy.config.VirtualHost("plain.test", List.of(
                new dev.bollard.proxy.config.Route(new dev.bollard.proxy.config.PathMatch.Prefix("/"),
                    app, forced))))
        .withTls(new TlsSettings(List.of(binding("shop.test", SHOP), binding("admin.test", ADMIN)),
            Map.of(relaxed, false), Set.of(forced))));

    TlsClient.Response redirected = TlsClient.plainGet(server.port(), "shop.test", "/cart?id=1");
    assertThat(redirected.status()).isEqualTo(308);
    assertThat(redirected.headers()).containsEntry("location", "https://shop.test:8443/cart?id=1")
        .doesNotContainKey("strict-transport-security");
    // An absolute-form target (RFC 9112 3.2.2) keeps its path and query in the redirect.
    TlsClient.Response absolute =
        TlsClient.plainGet(server.port(), "elsewhere.test", "http://shop.test/cart?id=1");
    assertThat(absolute.status()).isEqualTo(308);
    assertThat(absolute.headers()).containsEntry("location", "https://shop.test:8443/cart?id=1");

    TlsClient.Response challenge = TlsClient.plainGet(server.port(), "shop.test",
        "/.well-known/acme-challenge/tok-1");
    assertThat(challenge.status()).isEqualTo(200);
    assertThat(challenge.body()).isEqualTo("tok-1.thumb");
    assertThat(TlsClient.plainGet(server.port(), "nowhere.test",
        "/.well-known/acme-challenge/unknown").status()).isEqualTo(404);

    assertThat(TlsClient.plainGet(server.port(), "admin.test", "/").status())
        .as("ssl-redirect: false on the Ingress").isEqualTo(200);
    assertThat(TlsClient.plainGet(server.port(), "plain.test", "/").status())
        .as("force-ssl-redirect without TLS").isEqualTo(308);

    GlobalSettings s = routes.table().snapshot().settings();
    routes.publish(routes.table().snapshot().withSettings(new GlobalSettings(s.maxBodyBytes(),
        s.timeouts(), s.useProxyProtocol(), s.realIpCidrs(), s.useForwardedHeaders(), s.hsts(),
        false, s.auth(), s.edge())));
    assertThat(TlsClient.plainGet(server.port(), "shop.test", "/").status())
        .as("ssl-redirect: false globally").isEqualTo(200);
  }
}
