package dev.bollard.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.H2Client;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.tls.EdgeTls;
import dev.bollard.proxy.tls.TestPki;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS through the proxy to an HTTP/1.1 backend: the same request handling. */
class Http2EndToEndTest {

  private static final TestPki.Pem SHOP = TestPki.issue("shop.test");
  private static final RouteSource INGRESS = RouteSource.ingress("web", "shop");

  private final CurrentRoutes routes = new CurrentRoutes();
  private final List<RequestFacts> logged = new CopyOnWriteArrayList<>();
  private TestBackend backend;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes,
        new RequestTelemetry(logged::add, null), edge);
    routes.publish(snapshot());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private RoutingSnapshot snapshot() {
    Backend app = Snapshots.backend("web/app:80", backend);
    return Snapshots.of(Snapshots.host("shop.test", app))
        .withTls(new TlsSettings(List.of(new TlsBinding(INGRESS, "web/shop-tls",
            List.of("shop.test"), SHOP.chain(), SHOP.key(), false)), Map.of(), Set.of()));
  }

  @Test
  void getAndPostGoThroughTheSameHandlingAsHttp11() throws Exception {
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      H2Client.Response get = client.get("shop.test", "/hello?x=1").get(10, TimeUnit.SECONDS);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.headers().get("x-echo-method").toString()).isEqualTo("GET");
      assertThat(get.headers().get("x-echo-uri").toString()).isEqualTo("/hello?x=1");
      // The backend saw an HTTP/1.1 request for the stream's :authority, nothing of HTTP/2's.
      assertThat(get.text()).containsIgnoringCase("host: shop.test")
          .containsIgnoringCase("x-forwarded-proto: https")
          .doesNotContainIgnoringCase("x-http2-");
      assertThat(get.headers().contains("connection")).isFalse();
      assertThat(get.headers().contains("strict-transport-security")).isTrue();

      byte[] payload = "hello over h2".getBytes(StandardCharsets.UTF_8);
      H2Client.Response post = client.send(
          H2Client.headers("POST", "shop.test", "/submit"), payload).get(10, TimeUnit.SECONDS);
      assertThat(post.status()).isEqualTo(200);
      assertThat(post.headers().get("x-echo-method").toString()).isEqualTo("POST");
      assertThat(post.text()).endsWith("\n\nhello over h2");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> logged.size() == 2);
    for (RequestFacts facts : logged) {
      assertThat(facts.protocol()).isEqualTo("HTTP/2.0");
      assertThat(facts.host()).isEqualTo("shop.test");
      assertThat(facts.sni()).isEqualTo("shop.test");
      assertThat(facts.status()).isEqualTo(200);
    }
    assertThat(logged).extracting(RequestFacts::method).containsExactlyInAnyOrder("GET", "POST");
  }
}
