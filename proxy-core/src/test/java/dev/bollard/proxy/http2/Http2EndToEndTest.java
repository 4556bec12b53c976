package dev.bollard.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Http2Settings;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS through the proxy to an HTTP/1.1 backend: the same request handling. */
class Http2EndToEndTest {

  private static final TestPki.Pem SHOP = TestPki.issue("shop.test");
  private static final RouteSource INGRESS = RouteSource.ingress("web", "shop");

  private final CurrentRoutes routes = new CurrentRoutes();
  private final List<RequestFacts> logged = new CopyOnWriteArrayList<>();
  private static final int TEN_MB = 10 * 1024 * 1024;

  private TestBackend backend;
  private TestBackend sink;
  private TestBackend source;
  private TestBackend gated;
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    sink = TestBackend.start("sink", TestBackend.countingSink());
    source = TestBackend.start("source", TestBackend.streaming(TEN_MB));
    gated = TestBackend.start("gated", TestBackend.gated(gate, "late"));
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
    gate.complete(null);
    for (TestBackend b : new TestBackend[] {backend, sink, source, gated}) {
      if (b != null) {
        b.close();
      }
    }
  }

  private RoutingSnapshot snapshot() {
    Backend app = Snapshots.backend("web/app:80", backend);
    return Snapshots.of(Snapshots.host("shop.test", app),
            Snapshots.host("up.test", Snapshots.backend("web/sink:80", sink)),
            Snapshots.host("down.test", Snapshots.backend("web/source:80", source)),
            Snapshots.host("gated.test", Snapshots.backend("web/gated:80", gated)))
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

  @Test
  void tenMegabyteBodiesGoBothWaysByteExact() throws Exception {
    byte[] upload = new byte[TEN_MB];
    new Random(18).nextBytes(upload);
    CRC32 crc = new CRC32();
    crc.update(upload);
    try (H2Client client = H2Client.connect(server.httpsPort(), "up.test")) {
      H2Client.Response up = client.send(H2Client.headers("PUT", "up.test", "/blob"), upload)
          .get(60, TimeUnit.SECONDS);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.text()).isEqualTo("received " + TEN_MB + " crc " + crc.getValue());
    }
    try (H2Client client = H2Client.connect(server.httpsPort(), "down.test")) {
      H2Client.Response down = client.get("down.test", "/blob").get(60, TimeUnit.SECONDS);
      assertThat(down.status()).isEqualTo(200);
      assertThat(down.body()).hasSize(TEN_MB);
      for (int i = 0; i < TEN_MB; i++) {
        if (down.body()[i] != (byte) (i % 251)) {
          throw new AssertionError("byte " + i + " differs");
        }
      }
    }
  }

  @Test
  void manyConcurrentStreamsShareOneConnectionEachWithItsOwnLogLine() throws Exception {
    int streams = 100;
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      List<CompletableFuture<H2Client.Response>> all = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        all.add(client.get("shop.test", "/n/" + i));
      }
      for (int i = 0; i < streams; i++) {
        H2Client.Response r = all.get(i).get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("x-echo-uri").toString()).isEqualTo("/n/" + i);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> logged.size() == streams);
    assertThat(logged).extracting(RequestFacts::protocol).containsOnly("HTTP/2.0");
    assertThat(logged).extracting(RequestFacts::uri).doesNotHaveDuplicates();
  }

  @Test
  void anAuthorityAndAHostThatDisagreeAreRefused() throws Exception {
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      H2Client.Response refused = client.send(
          H2Client.headers("GET", "shop.test", "/").add("host", "up.test"), null)
          .get(10, TimeUnit.SECONDS);
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.text()).contains(":authority and Host");
      // Agreeing ones are one host; the connection serves on.
      H2Client.Response agreed = client.send(
          H2Client.headers("GET", "shop.test", "/").add("host", "SHOP.test"), null)
          .get(10, TimeUnit.SECONDS);
      assertThat(agreed.status()).isEqualTo(200);
      assertThat(agreed.text().lines().filter(l -> l.regionMatches(true, 0, "host:", 0, 5)))
          .containsExactly("host: shop.test");
    }
    assertThat(sink.requests()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> logged.size() == 2);
    assertThat(logged).extracting(RequestFacts::status).containsExactlyInAnyOrder(400, 200);
  }

  @Test
  void afterHttp2MaxRequestsStreamsTheConnectionSaysGoAwayAndServesThemAll() throws Exception {
    RoutingSnapshot base = snapshot();
    routes.publish(base.withSettings(base.settings().toBuilder()
        .http2(new Http2Settings(true, 128, 0, 0, 3)).build()));
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.get("shop.test", "/" + i).get(10, TimeUnit.SECONDS).status())
            .isEqualTo(200);
      }
      // NO_ERROR, naming the third stream (Netty's client numbers its streams from 3).
      assertThat(client.goAway().get(10, TimeUnit.SECONDS).errorCode()).isZero();
      assertThat(client.goAway().get().lastStreamId()).isEqualTo(7);
      client.channel().closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(client.channel().isActive()).isFalse();
    }
  }

  @Test
  void curlSpeaksHttp2ThroughTheProxy() throws Exception {
    Process version = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
    String features = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(version.waitFor() == 0 && features.contains("HTTP2"),
        "no curl with HTTP/2 here");
    int port = server.httpsPort();
    Process curl = new ProcessBuilder("curl", "-sk", "--http2", "--max-time", "20",
        "--resolve", "shop.test:" + port + ":127.0.0.1", "-o", "/dev/null",
        "-w", "%{http_version} %{http_code}", "https://shop.test:" + port + "/curl")
        .redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).isEqualTo("2 200");
    await().atMost(Duration.ofSeconds(10)).until(() -> logged.size() == 1);
    assertThat(logged.get(0).protocol()).isEqualTo("HTTP/2.0");
  }

  @Test
  void aGracefulShutdownSaysGoAwayAndLetsTheOpenStreamFinish() throws Exception {
    try (H2Client client = H2Client.connect(server.httpsPort(), "gated.test")) {
      CompletableFuture<H2Client.Response> inFlight = client.get("gated.test", "/slow");
      await().atMost(Duration.ofSeconds(10)).until(() -> gated.requests() == 1);
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
        try {
          server.shutdownGracefully(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(client.goAway().get(10, TimeUnit.SECONDS).errorCode()).isZero();
      assertThat(inFlight).isNotDone();
      gate.complete(null);
      assertThat(inFlight.get(10, TimeUnit.SECONDS).text()).isEqualTo("late");
      stopped.get(20, TimeUnit.SECONDS);
      client.channel().closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(client.channel().isActive()).isFalse();
    }
  }
}
