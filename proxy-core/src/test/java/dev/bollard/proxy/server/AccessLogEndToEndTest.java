package dev.bollard.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.auth.BasicAuthenticator;
import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.LogDestination;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.QueryRedaction;
import dev.bollard.proxy.admin.AdminServer;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteEdge;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.metrics.PrometheusText;
import dev.bollard.proxy.metrics.ProxyMetrics;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.tls.EdgeTls;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access log, header rules, client address and metrics through a real proxy on loopback. */
class AccessLogEndToEndTest {

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final CurrentRoutes routes = new CurrentRoutes();
  private Path logFile;
  private AccessLog accessLog;
  private ProxyMetrics metrics;
  private ProxyServer proxy;
  private TestBackend app;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** An app that answers 200 with the request headers it got as the body, and these headers. */
  private static TestBackend.Behaviour app(Map<String, String> responseHeaders) {
    return (pipeline, name, requests) -> {
      pipeline.addLast(new HttpObjectAggregator(1 << 20));
      pipeline.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          StringBuilder body = new StringBuilder();
          req.headers().forEach(h -> body.append(h.getKey().toLowerCase()).append(": ")
              .append(h.getValue()).append('\n'));
          FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1),
              new DefaultHttpHeaders(false), new DefaultHttpHeaders(false));
          responseHeaders.forEach((k, v) -> r.headers().set(k, v));
          r.headers().setInt("content-length", r.content().readableBytes());
          ctx.writeAndFlush(r);
        }
      });
    };
  }

  private void start(GlobalSettings settings, RouteEdge edge, TestBackend.Behaviour behaviour)
      throws Exception {
    start(settings, edge, behaviour, null, null);
  }

  /** With a password check on the route, run by {@code guard}, when both are given. */
  private void start(GlobalSettings settings, RouteEdge edge, TestBackend.Behaviour behaviour,
      @Nullable BasicAuthPolicy policy, @Nullable RequestGuard guard) throws Exception {
    app = TestBackend.start("app", behaviour);
    open.add(app);
    logFile = dir.resolve("access.log");
    accessLog = AccessLog.start(LogDestination.file(logFile), AccessLog.Format.JSON, 65_536);
    open.add(accessLog);
    metrics = ProxyMetrics.create();
    open.add(metrics);
    metrics.watch(accessLog);
    RequestTelemetry telemetry = new RequestTelemetry(accessLog, metrics);
    proxy = guard == null
        ? ProxyServer.start(ProxyFixture.testSettings(), routes, telemetry)
        : ProxyServer.start(ProxyFixture.testSettings(), routes, telemetry, EdgeTls.NONE, guard);
    open.add(proxy);
    Backend backend = new Backend("shop/web:http", List.of(app.endpoint()));
    Route route = new Route(new PathMatch.Prefix("/"), backend,
        RouteSource.ingress("shop", "storefront"), policy, edge);
    routes.publish(new RoutingSnapshot(1, List.of(new VirtualHost("shop.test", List.of(route))),
        null, settings));
  }

  private static GlobalSettings settings(String trusted, boolean proxyProtocol) {
    LogSettings log = new LogSettings(
        CaptureRules.parse(List.of("X-Runtime:runtime"), List.of("X-Log-"), false),
        QueryRedaction.redact(List.of("token")), null, false, List.of("/healthz"), 2048);
    HeaderRules rules = new HeaderRules(
        HeaderRules.parseLines("set X-Edge: bollard"),
        HeaderRules.parseLines("set X-Frame-Options: DENY\nclear X-Powered-By"));
    GlobalSettings d = GlobalSettings.DEFAULTS;
    return new GlobalSettings(d.maxBodyBytes(), d.timeouts(), proxyProtocol, List.of(trusted),
        true, d.hsts(), d.sslRedirect(), d.auth(),
        new EdgeSettings(log, rules, false, "X-Forwarded-For", true));
  }

  private static final RouteEdge ROUTE_EDGE = new RouteEdge(
      CaptureRules.parse(List.of("X-Account"), List.of(), false),
      new HeaderRules(List.of(), HeaderRules.setAll(Map.of("X-Custom", "from-ingress"))));

  private static final Map<String, String> APP_HEADERS = Map.of(
      "X-Log-User-Id", "42",
      "X-Runtime", "0.012",
      "X-Account", "acme",
      "X-Powered-By", "Rails",
      "X-Kept", "visible");

  private List<Map<String, Object>> lines(int expected) throws Exception {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> Files.exists(logFile) && Files.readAllLines(logFile).size() >= expected);
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(logFile)) {
      out.add(Json.object(line));
    }
    return out;
  }

  private int port() {
    return proxy.port();
  }

  @Test
  void aRealRequestsLineHoldsEveryFieldAndCapturedHeadersLeaveTheResponse() throws Exception {
    start(settings("127.0.0.0/8", false), ROUTE_EDGE, app(APP_HEADERS));
    RawResponse r;
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("POST /orders?token=s3cret&page=2 HTTP/1.1\r\nHost: shop.test\r\n"
          + "User-Agent: test-agent/1.0\r\nReferer: http://shop.test/cart\r\n"
          + "X-Request-Id: lb-assigned-1\r\nX-Forwarded-For: 198.51.100.7\r\n"
          + "Content-Length: 5\r\n\r\nhello");
      r = c.read();
    }
    assertThat(r.status()).isEqualTo(200);
    // Captured headers are gone, the others stay; rules and the request id apply.
    assertThat(r.header("X-Log-User-Id")).isNull();
    assertThat(r.header("X-Runtime")).isNull();
    assertThat(r.header("X-Account")).isNull();
    assertThat(r.header("X-Powered-By")).isNull();
    assertThat(r.header("X-Kept")).isEqualTo("visible");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("X-Custom")).isEqualTo("from-ingress");
    assertThat(r.header("X-Request-Id")).isEqualTo("lb-assigned-1");
    // What the app got.
    assertThat(r.text()).contains("x-request-id: lb-assigned-1\n", "x-edge: bollard\n",
        "x-forwarded-for: 198.51.100.7, 127.0.0.1\n").containsPattern("x-request-start: t=\\d{16}\n");

    Map<String, Object> line = lines(1).get(0);
    assertThat(line.keySet()).containsAll(List.of("time", "request_id", "remote_addr",
        "remote_user", "method", "host", "path", "query", "protocol", "status", "bytes_in",
        "bytes_out", "request_time", "upstream_connect_time", "upstream_header_time",
        "upstream_response_time", "upstream_addr", "upstream_status", "namespace", "ingress",
        "service", "service_port", "tls_version", "tls_sni", "user_agent", "referer"));
    assertThat(line).containsEntry("request_id", "lb-assigned-1")
        .containsEntry("remote_addr", "198.51.100.7")
        .containsEntry("method", "POST").containsEntry("host", "shop.test")
        .containsEntry("path", "/orders").containsEntry("query", "token=REDACTED&page=2")
        .containsEntry("protocol", "HTTP/1.1").containsEntry("status", 200L)
        .containsEntry("upstream_addr", "127.0.0.1:" + app.port())
        .containsEntry("upstream_status", 200L)
        .containsEntry("namespace", "shop").containsEntry("ingress", "storefront")
        .containsEntry("service", "web").containsEntry("service_port", "http")
        .containsEntry("tls_version", "").containsEntry("tls_sni", "")
        .containsEntry("user_agent", "test-agent/1.0")
        .containsEntry("referer", "http://shop.test/cart")
        .containsEntry("user_id", "42").containsEntry("runtime", "0.012")
        .containsEntry("x_account", "acme");
    assertThat((Long) line.get("bytes_in")).isGreaterThan(100);
    assertThat((Long) line.get("bytes_out")).isEqualTo(r.bodyLength());
    for (String t : List.of("request_time", "upstream_connect_time", "upstream_header_time",
        "upstream_response_time")) {
      assertThat(line.get(t)).as(t).isInstanceOf(Double.class);
    }
    assertThat((String) line.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
  }

  @Test
  void aHeaderWithQuotesOrControlBytesCannotForgeALine() throws Exception {
    start(settings("10.0.0.0/8", false), RouteEdge.NONE,
        app(Map.of("X-Log-User", "bob\",\"status\":500,\"x\":\"\t\u00ff}")));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\nUser-Agent: a\"b\\c\r\n"
          + "X-Request-Id: forged\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      // A newline cannot even arrive in a request header: 400, still exactly one line each.
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\nUser-Agent: x\n\"status\":1\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(400);
    }
    // Every line parses as one JSON object (Json.object is strict) and none was forged.
    List<Map<String, Object>> lines = lines(1);
    assertThat(lines).extracting(l -> l.get("status")).doesNotContain(500L, 1L);
    Map<String, Object> line = lines.get(0);
    assertThat(line).containsEntry("status", 200L)
        .containsEntry("user", "bob\",\"status\":500,\"x\":\"\t\u00ff}")
        .containsEntry("user_agent", "a\"b\\c");
    // An untrusted client's id is replaced.
    assertThat((String) line.get("request_id")).matches("[0-9a-f]{32}");
  }

  @Test
  void localAnswersAndWebSocketsAreLoggedOnce() throws Exception {
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, TestBackend.webSocketEcho());
    // The JDK client sends Host: 127.0.0.1:port; route that host to the WebSocket app too.
    Backend backend = new Backend("shop/chat:80", List.of(app.endpoint()));
    Route route = new Route(new PathMatch.Prefix("/"), backend,
        RouteSource.ingress("shop", "chat"), null, RouteEdge.NONE);
    routes.publish(new RoutingSnapshot(2, List.of(new VirtualHost("127.0.0.1", List.of(route))),
        null, settings("127.0.0.0/8", false)));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET /x HTTP/1.1\r\nHost: unknown.test\r\n\r\n");
      RawResponse notFound = c.read();
      assertThat(notFound.status()).isEqualTo(404);
      assertThat(notFound.header("X-Request-Id")).matches("[0-9a-f]{32}");
      assertThat(notFound.header("X-Frame-Options")).isEqualTo("DENY");
    }
    CompletableFuture<String> echoed = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port() + "/chat"),
            new WebSocket.Listener() {
              private final StringBuilder text = new StringBuilder();

              @Override
              public java.util.concurrent.CompletionStage<?> onText(
                  WebSocket socket, CharSequence data, boolean last) {
                // A long message may arrive in parts: collect until the last one.
                text.append(data);
                if (last) {
                  echoed.complete(text.toString());
                }
                socket.request(1);
                return null;
              }
            })
        .get(10, TimeUnit.SECONDS);
    String message = "hi".repeat(5_000);
    ws.sendText(message, true).get(10, TimeUnit.SECONDS);
    assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("app:" + message);
    // Open WebSocket: no line yet.
    assertThat(lines(1)).hasSize(1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    List<Map<String, Object>> lines = lines(2);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).containsEntry("status", 404L).containsEntry("ingress", "")
        .containsEntry("upstream_status", null).containsEntry("upstream_connect_time", null);
    assertThat(lines.get(1)).containsEntry("status", 101L).containsEntry("ingress", "chat")
        .containsEntry("upstream_status", 101L).containsEntry("path", "/chat");
    // The relayed frames count, both ways (each carries the 10,000-character message).
    assertThat((Long) lines.get(1).get("bytes_in")).isGreaterThan(10_000L);
    assertThat((Long) lines.get(1).get("bytes_out")).isGreaterThan(10_000L);
  }

  @Test
  void requestsTheValidatorRefusesAreLoggedToo() throws Exception {
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, app(APP_HEADERS));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("POST /smuggle HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 3\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(400);
    }
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(414);
    }
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\nX-Folded: a\r\n b\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(400);
    }
    List<Map<String, Object>> lines = lines(3);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).containsEntry("status", 400L).containsEntry("method", "POST")
        .containsEntry("path", "/smuggle").containsEntry("host", "shop.test")
        .containsEntry("upstream_status", null);
    assertThat(lines.get(1)).containsEntry("status", 414L);
    assertThat(lines.get(2)).containsEntry("status", 400L).containsEntry("method", "-");
    assertThat(app.requests()).isZero();
  }

  @Test
  void aClientThatLeavesGets499() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, TestBackend.gated(gate, "late"));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET /slow HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> app.requests() == 1);
    }
    List<Map<String, Object>> lines = lines(1);
    gate.complete(null);
    assertThat(lines.get(0)).containsEntry("status", 499L).containsEntry("path", "/slow")
        .containsEntry("upstream_status", null);
  }

  @Test
  void aClientThatLeavesWhileItsPasswordIsCheckedGets499() throws Exception {
    // The check waits in `held` until the test runs it, after the client has gone.
    List<Runnable> held = new CopyOnWriteArrayList<>();
    RequestGuard guard = RequestGuard.using(
        BasicAuthenticator.builder(held::add).build());
    BasicAuthPolicy policy = BasicAuthPolicy.of("Ingress shop/storefront", "Shop",
        Htpasswd.parse("alice:$2y$05$DWsMbEuYbykCm9hC6qzU4.HX9o/pe5madct8nMth79DlvRnF3L/L2\n",
            "shop/htpasswd"));
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, app(Map.of()), policy, guard);
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET /private HTTP/1.1\r\nHost: shop.test\r\nAuthorization: Basic "
          + Base64.getEncoder().encodeToString(
              "alice:secret".getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    }
    List<Map<String, Object>> lines = lines(1);
    held.forEach(Runnable::run); // the right password, too late: nothing more happens
    assertThat(lines).singleElement().satisfies(line -> assertThat(line)
        .containsEntry("status", 499L).containsEntry("path", "/private")
        .containsEntry("upstream_status", null));
    assertThat(app.requests()).isZero();
  }

  @Test
  void underSustainedLoadEveryRequestHasItsLine() throws Exception {
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, app(APP_HEADERS));
    int connections = 4;
    int perConnection = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        done.add(pool.submit(() -> {
          int ok = 0;
          try (RawHttpConnection c = RawHttpConnection.open(port())) {
            for (int n = 0; n < perConnection; n++) {
              c.send("GET /load?n=" + n + " HTTP/1.1\r\nHost: shop.test\r\n\r\n");
              if (c.read().status() == 200) {
                ok++;
              }
            }
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : done) {
        ok += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(ok).isEqualTo(connections * perConnection);
    } finally {
      pool.shutdownNow();
    }
    int total = connections * perConnection;
    await().atMost(Duration.ofSeconds(20))
        .until(() -> accessLog.writtenLines() + accessLog.droppedLines() >= total);
    assertThat(accessLog.droppedLines()).isZero();
    assertThat(Files.readAllLines(logFile)).hasSize(total);
  }

  @Test
  void proxyProtocolFromATrustedBalancerSetsTheClient() throws Exception {
    start(settings("127.0.0.0/8", true), RouteEdge.NONE, app(Map.of()));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("PROXY TCP4 203.0.113.50 192.0.2.1 40000 80\r\n"
          + "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).contains("x-forwarded-for: 203.0.113.50\n");
    }
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send(v2Header());
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      assertThat(c.read().text()).contains("x-forwarded-for: 192.0.2.10\n");
    }
    // A health check without a header is served as the balancer itself.
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      assertThat(c.read().text()).contains("x-forwarded-for: 127.0.0.1\n");
    }
    List<Map<String, Object>> lines = lines(3);
    assertThat(lines).extracting(l -> l.get("remote_addr"))
        .containsExactly("203.0.113.50", "192.0.2.10", "127.0.0.1");
  }

  @Test
  void proxyProtocolFromAnUntrustedPeerIsRefused() throws Exception {
    start(settings("10.0.0.0/8", true), RouteEdge.NONE, app(Map.of()));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("PROXY TCP4 203.0.113.50 192.0.2.1 40000 80\r\n"
          + "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(c::isClosedByPeer);
    }
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send(v2Header());
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(c::isClosedByPeer);
    }
    assertThat(app.requests()).isZero();
  }

  @Test
  void metricsScrapeParsesAndHasTheDocumentedSeries() throws Exception {
    start(settings("127.0.0.0/8", false), RouteEdge.NONE, app(Map.of()));
    try (RawHttpConnection c = RawHttpConnection.open(port())) {
      c.send("GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      c.send("BREW / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(404);
    }
    AdminServer admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), () -> true,
        () -> "{}", metrics::scrape);
    open.add(admin);
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    String text = scrape.body();
    PrometheusText.assertWellFormed(text);
    await().atMost(Duration.ofSeconds(5)).until(() -> metrics.scrape().contains(
        "bollard_requests_total{ingress=\"\",method=\"OTHER\",namespace=\"\",service=\"\","
            + "status_class=\"4xx\"} 1.0"));
    assertThat(metrics.scrape()).contains(
        "bollard_requests_total{ingress=\"storefront\",method=\"GET\",namespace=\"shop\","
            + "service=\"web\",status_class=\"2xx\"} 1.0",
        "bollard_request_duration_seconds_bucket{ingress=\"storefront\"",
        "bollard_upstream_response_duration_seconds_count{ingress=\"storefront\"",
        "bollard_connections_active", "bollard_access_log_lines_total",
        "bollard_access_log_dropped_total 0.0")
        .doesNotContain("nowhere.test");
  }

  private static byte[] v2Header() {
    byte[] sig = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    byte[] out = new byte[28];
    System.arraycopy(sig, 0, out, 0, 12);
    out[12] = 0x21;
    out[13] = 0x11;
    out[14] = 0;
    out[15] = 12;
    byte[] rest = {(byte) 192, 0, 2, 10, (byte) 192, 0, 2, 1, (byte) 0xC7, 0x38, 0x01, (byte) 0xBB};
    System.arraycopy(rest, 0, out, 16, 12);
    return out;
  }

  /** A strict reader of one flat JSON object (strings, integers, decimals, null). */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Map<String, Object> object(String line) {
      Json j = new Json(line);
      Map<String, Object> m = j.readObject();
      if (j.i != line.length()) {
        throw new IllegalArgumentException("trailing text at " + j.i + ": " + line);
      }
      return m;
    }

    private Map<String, Object> readObject() {
      expect('{');
      Map<String, Object> m = new LinkedHashMap<>();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        String key = readString();
        expect(':');
        if (m.containsKey(key)) {
          throw new IllegalArgumentException("duplicate key " + key + " in " + s);
        }
        m.put(key, readValue());
        char c = s.charAt(i++);
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or } at " + (i - 1) + ": " + s);
        }
      }
    }

    private Object readValue() {
      char c = peek();
      if (c == '"') {
        return readString();
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      int start = i;
      while (i < s.length() && "-0123456789.eE+".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String num = s.substring(start, i);
      if (num.isEmpty()) {
        throw new IllegalArgumentException("bad value at " + start + ": " + s);
      }
      return num.contains(".") ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num);
    }

    private String readString() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("raw control character in a string: " + s);
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e + " in " + s);
        }
      }
    }

    private char peek() {
      return s.charAt(i);
    }

    private void expect(char c) {
      if (s.charAt(i++) != c) {
        throw new IllegalArgumentException("expected " + c + " at " + (i - 1) + ": " + s);
      }
    }
  }
}
