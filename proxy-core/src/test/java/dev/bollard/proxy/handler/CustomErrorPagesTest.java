package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.CustomHttpErrors;
import dev.bollard.proxy.step.DefaultBackend;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.testing.RefusedPort;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's {@code custom-http-errors} and {@code default-backend} through a real proxy: an
 * app that answers errors, and an error backend that records what it was asked and answers with
 * the code it was told in {@code X-Code}.
 */
class CustomErrorPagesTest {

  /** One request the error backend received. */
  record Asked(String method, String uri, Map<String, String> headers) {}

  private final BlockingQueue<Asked> asked = new LinkedBlockingQueue<>();
  private TestBackend errors;
  private TestBackend notFound;
  private TestBackend unavailable;
  private TestBackend ok;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    errors = TestBackend.start("errors", (pipeline, name, requests) -> {
      pipeline.addLast(new HttpObjectAggregator(1 << 20));
      pipeline.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          req.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
          asked.add(new Asked(req.method().name(), req.uri(), headers));
          String code = req.headers().get("X-Code", "200");
          FullHttpResponse page = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(Integer.parseInt(code)),
              Unpooled.copiedBuffer("error page " + code + "\n", StandardCharsets.UTF_8));
          page.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html")
              .setInt(HttpHeaderNames.CONTENT_LENGTH, page.content().readableBytes())
              .set("X-Error-Page", "yes");
          ctx.writeAndFlush(page);
        }
      });
    });
    notFound = TestBackend.start("app", TestBackend.fixed(404, "app's own 404 body\n"));
    unavailable = TestBackend.start("big", TestBackend.fixed(503, "x".repeat(200_000)));
    ok = TestBackend.start("ok", TestBackend.fixed(500, "app's 500 body\n"));
    proxy = ProxyFixture.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    errors.close();
    notFound.close();
    unavailable.close();
    ok.close();
  }

  private static Route route(String path, Backend app, RouteFeature... features) {
    return new Route(new PathMatch.Prefix(path), app, RouteSource.ingress("shop", "web"))
        .withFeatures(List.of(features));
  }

  private void publish(String globalCodes, Backend defaultBackend, Route... routes) {
    proxy.publish(new RoutingSnapshot(0, List.of(new VirtualHost("app.test", List.of(routes))),
        defaultBackend,
        GlobalSettings.DEFAULTS.withCustomHttpErrors(ErrorCodes.parse(globalCodes))));
  }

  @Test
  void aListedUpstreamErrorIsReplacedByThePageOfTheDefaultBackendWithIngressNginxsHeaders()
      throws Exception {
    publish("404,503", backend("default/errors:80", errors),
        route("/", backend("shop/app:http", notFound)));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.send("GET /missing/page?lang=de HTTP/1.1\r\nHost: app.test\r\n"
          + "Accept: application/json\r\nX-Code: 200\r\nAuthorization: Basic c2VjcmV0\r\n"
          + "\r\n").read();

      // The error backend's response as it sent it, status included: the app's never leaks.
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).isEqualTo("error page 404\n");
      assertThat(r.header("X-Error-Page")).isEqualTo("yes");
      Asked a = asked.poll(5, TimeUnit.SECONDS);
      assertThat(a).isNotNull();
      assertThat(a.method()).isEqualTo("GET");
      assertThat(a.uri()).isEqualTo("/?lang=de");
      assertThat(a.headers()).containsEntry("X-Code", "404")
          .containsEntry("X-Format", "application/json")
          .containsEntry("X-Original-URI", "/missing/page?lang=de")
          .containsEntry("X-Namespace", "shop")
          .containsEntry("X-Ingress-Name", "web")
          .containsEntry("X-Service-Name", "app")
          .containsEntry("X-Service-Port", "http")
          .containsEntry("Host", "app.test")
          .containsEntry("X-Request-ID", r.header("X-Request-Id"))
          .doesNotContainKey("Authorization");
    }
  }

  @Test
  void theErrorBackendGetsTheMethodButNotTheBody() throws Exception {
    publish("404", backend("default/errors:80", errors),
        route("/", backend("shop/app:80", notFound)));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.send("POST /form HTTP/1.1\r\nHost: app.test\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("error page 404\n");
      assertThat(c.get("app.test", "/next").read().text()).isEqualTo("error page 404\n");
    }
    Asked a = asked.poll(5, TimeUnit.SECONDS);
    assertThat(a.method()).isEqualTo("POST");
    // (The backend's aggregator says Content-Length: 0 for a request that came without one.)
    assertThat(a.headers()).doesNotContainKey("Transfer-Encoding");
    assertThat(a.headers().getOrDefault("Content-Length", "0")).isEqualTo("0");
  }

  @Test
  void aCodeNotListedIsRelayedAsTheUpstreamSentIt() throws Exception {
    publish("404,503", backend("default/errors:80", errors), route("/", backend("shop/ok:80", ok)));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("app.test", "/").read();
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.text()).isEqualTo("app's 500 body\n");
    }
    assertThat(errors.requests()).isZero();
  }

  @Test
  void theInterceptedBodyIsDrainedAndBothConnectionsStayAlive() throws Exception {
    publish("404", backend("default/errors:80", errors),
        route("/", backend("shop/app:80", notFound)));
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 3; i++) {
        RawResponse r = c.get("app.test", "/gone/" + i).read();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).isEqualTo("error page 404\n");
        assertThat(r.header("Connection")).isNull();
      }
    }
    // The app's 404 bodies were read to their end, so its one connection went back to the pool.
    assertThat(notFound.requests()).isEqualTo(3);
    assertThat(notFound.connectionsAccepted()).isEqualTo(1);
    assertThat(errors.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void aLargeInterceptedBodyIsCutWithItsConnectionNotRelayed() throws Exception {
    publish("503", backend("default/errors:80", errors),
        route("/", backend("shop/big:80", unavailable)));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse first = c.get("app.test", "/").read();
      assertThat(first.status()).isEqualTo(503);
      assertThat(first.text()).isEqualTo("error page 503\n");
      RawResponse second = c.get("app.test", "/").read();
      assertThat(second.text()).isEqualTo("error page 503\n");
    }
    // 200 kB is more than is worth reading: each connection was closed, not pooled.
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(unavailable.openConnections()).isZero());
    assertThat(unavailable.connectionsAccepted()).isEqualTo(2);
  }

  @Test
  void theIngressCodesReplaceTheGlobalOnes() throws Exception {
    publish("404", backend("default/errors:80", errors),
        route("/own", backend("shop/ok:80", ok), new CustomHttpErrors(ErrorCodes.parse("500"))),
        route("/", backend("shop/app:80", notFound),
            new CustomHttpErrors(ErrorCodes.parse("500"))));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse own = c.get("app.test", "/own").read();
      assertThat(own.status()).isEqualTo(500);
      assertThat(own.text()).isEqualTo("error page 500\n");
      RawResponse globalOnly = c.get("app.test", "/").read();
      assertThat(globalOnly.status()).isEqualTo(404);
      assertThat(globalOnly.text()).isEqualTo("app's own 404 body\n");
    }
  }

  @Test
  void theIngressDefaultBackendServesTheIngressCodesAndTheDefaultBackendTheGlobalOnes()
      throws Exception {
    try (TestBackend other = TestBackend.start("other", TestBackend.fixed(200, "other\n"))) {
      publish("404", backend("default/other:80", other),
          route("/own", backend("shop/app:80", notFound),
              new CustomHttpErrors(ErrorCodes.parse("404")),
              new DefaultBackend(backend("shop/errors:80", errors))),
          route("/", backend("shop/app:80", notFound),
              new DefaultBackend(backend("shop/errors:80", errors))));
      try (RawHttpConnection c = proxy.connect()) {
        assertThat(c.get("app.test", "/own/x").read().text()).isEqualTo("error page 404\n");
        assertThat(c.get("app.test", "/own/y").read().text()).isEqualTo("error page 404\n");
        // The global codes go to the default backend, as ingress-nginx's http-level error_page.
        RawResponse global = c.get("app.test", "/x").read();
        assertThat(global.header("X-Backend")).isEqualTo("other");
      }
      assertThat(other.requests()).isEqualTo(1);
      // The annotation's backend is in use: its connection is pooled, not closed as stale.
      assertThat(errors.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void whenTheErrorBackendIsDownTheClientGetsThePlainErrorWithTheOriginalCode() throws Exception {
    publish("404", backend("default/errors:80", new Endpoint("127.0.0.1", closedPort())),
        route("/", backend("shop/app:80", notFound)));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("app.test", "/x").read();
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).startsWith("404 Not Found: backend shop/app:80 answered 404")
          .doesNotContain("app's own");
      // And the connection still serves.
      assertThat(c.get("app.test", "/y").read().status()).isEqualTo(404);
    }
  }

  @Test
  void theProxysOwnErrorsAreReplacedWhenListed() throws Exception {
    publish("502,503", backend("default/errors:80", errors),
        route("/refused", backend("shop/down:80", new Endpoint("127.0.0.1", closedPort()))),
        route("/", new Backend("shop/empty:80", List.of())));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse refused = c.get("app.test", "/refused").read();
      assertThat(refused.status()).isEqualTo(502);
      assertThat(refused.text()).isEqualTo("error page 502\n");
      RawResponse empty = c.get("app.test", "/").read();
      assertThat(empty.status()).isEqualTo(503);
      assertThat(empty.text()).isEqualTo("error page 503\n");
    }
    assertThat(asked.poll().headers()).containsEntry("X-Code", "502")
        .containsEntry("X-Service-Name", "down");
    assertThat(asked.poll().headers()).containsEntry("X-Code", "503")
        .containsEntry("X-Service-Name", "empty");
  }

  @Test
  void theIngressDefaultBackendServesARouteWithoutReadyEndpoints() throws Exception {
    try (TestBackend fallback = TestBackend.start("fallback", TestBackend.echo())) {
      publish("", null, route("/", new Backend("shop/empty:80", List.of()),
          new DefaultBackend(backend("shop/fallback:8080", fallback))));
      try (RawHttpConnection c = proxy.connect()) {
        RawResponse r = c.send("POST /alma/armud?x=1 HTTP/1.1\r\nHost: app.test\r\n"
            + "Content-Length: 5\r\n\r\nhello").read();
        // The request itself, as for the route, with the headers of ingress-nginx's custom
        // default backend; the fallback's answer as it is.
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Echo-Uri")).isEqualTo("/alma/armud?x=1");
        assertThat(r.header("X-Echo-Method")).isEqualTo("POST");
        assertThat(r.text().toLowerCase()).contains("x-code: 503\n", "x-service-name: empty\n",
            "x-ingress-name: web\n", "x-namespace: shop\n", "x-forwarded-host: app.test\n")
            .endsWith("\nhello");
      }
    }
  }

  @Test
  void aDefaultBackendWithoutReadyEndpointsLeavesThe503() throws Exception {
    publish("", null, route("/", new Backend("shop/empty:80", List.of()),
        new DefaultBackend(new Backend("shop/fallback:8080", List.of()))));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("app.test", "/").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.text()).contains("no ready endpoints");
    }
  }

  @Test
  void timeoutsGiveTheErrorPageOfTheirCodeAndASilentErrorBackendThePlainAnswer()
      throws Exception {
    proxy.timeouts(new GlobalSettings.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(500),
        Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(75),
        Duration.ofSeconds(60), Duration.ofSeconds(60)));
    try (TestBackend silent = TestBackend.start("silent", TestBackend.silent())) {
      publish("504", backend("default/errors:80", errors),
          route("/", backend("shop/silent:80", silent)));
      try (RawHttpConnection c = proxy.connect()) {
        RawResponse r = c.get("app.test", "/slow").read();
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.text()).isEqualTo("error page 504\n");
      }
      publish("404", backend("default/errors:80", silent),
          route("/", backend("shop/app:80", notFound)));
      try (RawHttpConnection c = proxy.connect()) {
        RawResponse r = c.get("app.test", "/x").read();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).startsWith("404 Not Found: backend shop/app:80 answered 404");
      }
    }
  }

  private static int closedPort() {
    return RefusedPort.port();
  }
}
