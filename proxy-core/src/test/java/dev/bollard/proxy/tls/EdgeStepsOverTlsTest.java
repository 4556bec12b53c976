package dev.bollard.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge steps (ACME challenge, redirect, log capture) on both listeners: what the plain listener
 * answers itself, what HTTPS leaves to the app, and what a capture rule may strip.
 */
class EdgeStepsOverTlsTest {

  private static final TestPki.Pem SHOP = TestPki.issue("shop.test");
  private static final RouteSource OPEN = RouteSource.ingress("web", "shop");
  private static final RouteSource GUARDED = RouteSource.ingress("web", "staging");
  private static final String CHALLENGE = "/.well-known/acme-challenge/";

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend backend;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0))
        .http01(token -> token.equals("tok-1") ? Optional.of("tok-1.thumb") : Optional.empty())
        .build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
  }

  @AfterEach
  void stop() {
    server.close();
    backend.close();
  }

  private RoutingSnapshot snapshot() {
    Backend app = Snapshots.backend("web/app:80", backend);
    TlsBinding binding = new TlsBinding(OPEN, "web/shop.test", List.of("shop.test"), SHOP.chain(),
        SHOP.key(), false);
    Route guarded = new Route(new PathMatch.Prefix("/"), app, GUARDED,
        BasicAuthPolicy.broken("Ingress web/staging", "Staging", "no credentials in this test"));
    return Snapshots.of(Snapshots.host("shop.test", app),
            new VirtualHost("staging.test", List.of(guarded)))
        .withTls(new TlsSettings(List.of(binding), Map.of(), Set.of()));
  }

  @Test
  void overHttpsAnOpenHostsWellKnownPathsAreItsAppsAndAGuardedHostsChallengesAreAnswered()
      throws Exception {
    routes.publish(snapshot());
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "shop.test")) {
      TlsClient.Response open = tls.get("shop.test", CHALLENGE + "tok-1");
      assertThat(open.status()).isEqualTo(200);
      assertThat(open.headers()).containsEntry("x-echo-uri", CHALLENGE + "tok-1");
    }
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "shop.test")) {
      // The guard would refuse it (503: broken policy); the challenge step answers first.
      TlsClient.Response guarded = tls.get("staging.test", CHALLENGE + "tok-1");
      assertThat(guarded.status()).isEqualTo(200);
      assertThat(guarded.body()).isEqualTo("tok-1.thumb");
    }
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(tls.get("staging.test", CHALLENGE + "other").status()).isEqualTo(404);
    }
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "shop.test")) {
      assertThat(tls.get("staging.test", "/").status()).isEqualTo(503);
    }
    // Plain HTTP: every host's challenge is the proxy's, before the redirect to HTTPS.
    TlsClient.Response plain = TlsClient.plainGet(server.port(), "shop.test", CHALLENGE + "tok-1");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("tok-1.thumb");
  }

  @Test
  void aCaptureRuleTakesUpstreamHeadersOnlyNeverTheProxysOwn() throws Exception {
    RoutingSnapshot s = snapshot();
    GlobalSettings g = s.settings();
    EdgeSettings e = g.edge();
    LogSettings l = e.log();
    LogSettings captured = new LogSettings(
        CaptureRules.parse(List.of("Location", "X-Echo-Uri"), List.of(), false), l.query(),
        l.textTemplate(), l.escapeJson(), l.skipUris(), l.maxValueLength());
    EdgeSettings edge = new EdgeSettings(captured, e.headers(), e.enableRealIp(),
        e.forwardedForHeader(), e.generateRequestId());
    routes.publish(s.withSettings(new GlobalSettings(g.maxBodyBytes(), g.timeouts(),
        g.useProxyProtocol(), g.realIpCidrs(), g.useForwardedHeaders(), g.hsts(),
        g.sslRedirect(), g.auth(), edge)));

    TlsClient.Response redirect = TlsClient.plainGet(server.port(), "shop.test", "/x");
    assertThat(redirect.status()).isEqualTo(308);
    assertThat(redirect.headers()).containsEntry("location", "https://shop.test/x");
    try (TlsClient tls = TlsClient.connect(server.httpsPort(), "shop.test")) {
      TlsClient.Response relayed = tls.get("shop.test", "/x");
      assertThat(relayed.status()).isEqualTo(200);
      assertThat(relayed.headers()).doesNotContainKey("x-echo-uri");
    }
  }
}
