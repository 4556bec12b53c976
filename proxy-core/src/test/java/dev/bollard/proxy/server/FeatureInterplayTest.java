package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.metrics.ProxyMetrics;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.step.AccessLogging;
import dev.bollard.proxy.step.CustomHttpErrors;
import dev.bollard.proxy.step.NextUpstreamRule;
import dev.bollard.proxy.step.RewriteTarget;
import dev.bollard.proxy.step.UpstreamTimeout;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.tls.CertifiedKey;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Features of issue 15 that were written on separate branches, together on one route: retries
 * ({@code proxy-next-upstream}) with error pages ({@code custom-http-errors}), with TLS upstreams
 * ({@code backend-protocol: HTTPS}), with request buffering and with {@code rewrite-target}.
 */
class FeatureInterplayTest {

  private static final String HOST = "mix.test";
  private static final UpstreamTls HTTPS = new UpstreamTls(UpstreamTls.DEFAULT_PROTOCOLS, false,
      1, "app.shop.svc", false, null, null, null, false, "");

  /** One request the error backend received. */
  record Asked(String uri, List<String> codes, String originalUri) {}

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final BlockingQueue<Asked> asked = new LinkedBlockingQueue<>();
  private ProxyFixture proxy;
  private TestBackend errors;

  @BeforeEach
  void start() throws Exception {
    proxy = ProxyFixture.start();
    errors = started("errors", (pipeline, name, requests) -> {
      pipeline.addLast(new HttpObjectAggregator(1 << 16));
      pipeline.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          asked.add(new Asked(req.uri(), req.headers().getAll("X-Code"),
              req.headers().get("X-Original-URI", "")));
          String code = req.headers().get("X-Code", "200");
          ctx.writeAndFlush(response(Integer.parseInt(code), "error page " + code));
        }
      });
    });
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private TestBackend started(String name, TestBackend.Behaviour behaviour) throws Exception {
    TestBackend b = TestBackend.start(name, behaviour);
    closing.add(b);
    return b;
  }

  private static FullHttpResponse response(int status, String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status), Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  /** A backend that speaks TLS (a self-signed certificate) before {@code behaviour}. */
  private TestBackend tlsBackend(String name, TestBackend.Behaviour behaviour) throws Exception {
    CertifiedKey key = CertifiedKey.selfSigned("app.shop.svc", Duration.ofDays(1));
    SslContext context = SslContextBuilder.forServer(key.privateKey(),
        key.chain().toArray(new X509Certificate[0])).sslProvider(SslProvider.JDK).build();
    return started(name, (pipeline, n, requests) -> {
      pipeline.addFirst("tls", context.newHandler(pipeline.channel().alloc()));
      behaviour.configure(pipeline, n, requests);
    });
  }

  private void publish(Backend app, String path, RouteFeature... features) {
    publish(BodyBuffering.OFF, app, path, features);
  }

  private void publish(BodyBuffering buffering, Backend app, String path,
      RouteFeature... features) {
    Route route = new Route(new PathMatch.Prefix(path), app, RouteSource.ingress("shop", "web"))
        .withFeatures(List.of(features));
    proxy.publish(new RoutingSnapshot(0, List.of(new VirtualHost(HOST, List.of(route))),
        backend("default/errors:80", errors),
        GlobalSettings.DEFAULTS.withBodyBuffering(buffering)));
  }

  private static NextUpstreamRule.Conditions on(String conditions) {
    return new NextUpstreamRule.Conditions(NextUpstream.parseConditions(conditions));
  }

  private static CustomHttpErrors pages(String codes) {
    return new CustomHttpErrors(ErrorCodes.parse(codes));
  }

  // ---- 1. proxy-next-upstream http_503 with custom-http-errors 503 ------------------------------

  @Test
  void theNextEndpointIsTriedBeforeAnErrorPageReplacesA503() throws Exception {
    TestBackend busy = started("busy", TestBackend.fixed(503, "busy"));
    TestBackend ok = started("ok", TestBackend.echo());
    publish(backend("shop/app:80", busy, ok), "/", on("error timeout http_503"), pages("503"));
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 2; i++) {
        RawResponse r = c.get(HOST, "/" + i).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Backend")).isEqualTo("ok");
      }
    }
    assertThat(ok.requests()).isEqualTo(2);
    assertThat(errors.requests()).isZero();
  }

  @Test
  void onlyTheLastTrysA503GoesToTheErrorBackendOnce() throws Exception {
    TestBackend b1 = started("b1", TestBackend.fixed(503, "b1"));
    TestBackend b2 = started("b2", TestBackend.fixed(503, "b2"));
    publish(backend("shop/app:80", b1, b2), "/", on("error timeout http_503"), pages("503"));
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 3; i++) {
        RawResponse r = c.get(HOST, "/p?i=" + i).read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).isEqualTo("error page 503");
        Asked a = asked.poll(5, TimeUnit.SECONDS);
        assertThat(a).isNotNull();
        assertThat(a.codes()).containsExactly("503");
        assertThat(a.uri()).isEqualTo("/?i=" + i);
      }
    }
    assertThat(b1.requests() + b2.requests()).isEqualTo(6);
    assertThat(errors.requests()).isEqualTo(3);
    // The retried 503s were discarded with their connections; the last try's was drained, so
    // its connection and the error backend's went back to the pool.
    assertThat(errors.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void retriesAndAnErrorPageMakeOneAccessLogLineOrNoneWhenTheRouteTurnedItOff()
      throws Exception {
    TestBackend b1 = started("b1", TestBackend.fixed(503, "b1"));
    TestBackend b2 = started("b2", TestBackend.fixed(503, "b2"));
    Backend app = backend("shop/app:80", b1, b2);
    Route logged = new Route(new PathMatch.Prefix("/"), app, RouteSource.ingress("shop", "web"))
        .withFeatures(List.of(on("error timeout http_503"), pages("503")));
    Route quiet = new Route(new PathMatch.Prefix("/"), app, RouteSource.ingress("shop", "quiet"))
        .withFeatures(List.of(on("error timeout http_503"), pages("503"),
            new AccessLogging(false)));
    List<Integer> lines = new CopyOnWriteArrayList<>();
    CurrentRoutes routes = new CurrentRoutes();
    routes.publish(new RoutingSnapshot(0, List.of(new VirtualHost("logged.test", List.of(logged)),
        new VirtualHost("quiet.test", List.of(quiet))), backend("default/errors:80", errors),
        GlobalSettings.DEFAULTS));
    try (ProxyMetrics metrics = ProxyMetrics.create()) {
      ProxyServer server = ProxyServer.start(ProxyFixture.testSettings(), routes,
          new RequestTelemetry(facts -> lines.add(facts.status()), metrics));
      try (RawHttpConnection c = RawHttpConnection.open(server.port())) {
        assertThat(c.get("logged.test", "/").read().text()).isEqualTo("error page 503");
        assertThat(c.get("quiet.test", "/").read().text()).isEqualTo("error page 503");
      } finally {
        server.close();
      }
      assertThat(lines).containsExactly(503);
      assertThat(metrics.scrape()).contains(
          "ingress=\"web\",method=\"GET\",namespace=\"shop\",service=\"app\","
              + "status_class=\"5xx\"} 1.0",
          "ingress=\"quiet\",method=\"GET\",namespace=\"shop\",service=\"app\","
              + "status_class=\"5xx\"} 1.0");
    }
    assertThat(b1.requests() + b2.requests()).isEqualTo(4);
  }

  // ---- 2. retries over HTTPS upstreams ---------------------------------------------------------

  @Test
  void aFailedHandshakeGoesToTheNextHttpsEndpoint() throws Exception {
    TestBackend plain = started("plain", TestBackend.echo());
    TestBackend secure = tlsBackend("secure", TestBackend.echo());
    publish(backend("shop/app:443", plain, secure).withTls(HTTPS), "/");
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 2; i++) {
        RawResponse r = c.get(HOST, "/" + i).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Backend")).isEqualTo("secure");
      }
    }
    // Tried once (its TLS handshake failed on the plain answer), by the request that started there.
    assertThat(plain.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void aHandshakeThatTimesOutIsATimeoutAs504() throws Exception {
    // The kernel completes the TCP handshake; nothing ever answers the ClientHello.
    try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Backend app = backend("shop/app:443",
          new dev.bollard.proxy.config.Endpoint("127.0.0.1", mute.getLocalPort())).withTls(HTTPS);
      UpstreamTimeout connect =
          new UpstreamTimeout(UpstreamTimeout.Kind.CONNECT, Duration.ofMillis(300));
      publish(app, "/", connect);
      try (RawHttpConnection c = proxy.connect()) {
        // nginx: "upstream timed out ... while SSL handshaking to upstream", 504.
        assertThat(c.get(HOST, "/").read().status()).isEqualTo(504);
      }
    }
  }

  @Test
  void aHandshakeTimeoutIsNoErrorForTheRetryRules() throws Exception {
    TestBackend secure = tlsBackend("secure", TestBackend.echo());
    try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Backend app = backend("shop/app:443",
          new dev.bollard.proxy.config.Endpoint("127.0.0.1", mute.getLocalPort()),
          secure.endpoint()).withTls(HTTPS);
      UpstreamTimeout connect =
          new UpstreamTimeout(UpstreamTimeout.Kind.CONNECT, Duration.ofMillis(300));
      publish(app, "/", connect, on("error"));
      List<Integer> statuses = new ArrayList<>();
      try (RawHttpConnection c = proxy.connect()) {
        statuses.add(c.get(HOST, "/a").read().status());
        statuses.add(c.get(HOST, "/b").read().status());
      }
      // Only "error" is named: the timed-out handshake is not retried.
      assertThat(statuses).containsExactlyInAnyOrder(200, 504);
    }
  }

  @Test
  void aStaleHttpsConnectionIsResentOverTls() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    TestBackend secure = tlsBackend("secure", (pipeline, name, requests) -> {
      pipeline.addLast(new HttpObjectAggregator(1 << 16));
      pipeline.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          if (seen.incrementAndGet() == 2) {
            ctx.close(); // as a server that timed the idle connection out
          } else {
            ctx.writeAndFlush(response(200, "fine"));
          }
        }
      });
    });
    publish(backend("shop/app:443", secure).withTls(HTTPS), "/");
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get(HOST, "/1").read().text()).isEqualTo("fine");
      RawResponse again = c.get(HOST, "/2").read();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.text()).isEqualTo("fine");
    }
    assertThat(secure.connectionsAccepted()).isEqualTo(2);
  }

  // ---- 3. the error page of an HTTPS route -----------------------------------------------------

  @Test
  void theErrorPageIsFetchedInPlainHttpWhateverTheErrorBackendsTls() throws Exception {
    TestBackend secure = tlsBackend("secure", TestBackend.fixed(503, "app's 503"));
    Route route = new Route(new PathMatch.Prefix("/"),
        backend("shop/app:443", secure).withTls(HTTPS), RouteSource.ingress("shop", "web"))
        .withFeatures(List.of(pages("503")));
    // The default backend as an Ingress with backend-protocol HTTPS resolves it: ingress-nginx's
    // error locations still proxy_pass http://.
    proxy.publish(new RoutingSnapshot(0, List.of(new VirtualHost(HOST, List.of(route))),
        backend("default/errors:80", errors).withTls(HTTPS), GlobalSettings.DEFAULTS));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get(HOST, "/x").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.text()).isEqualTo("error page 503");
    }
  }

  // ---- buffered bodies and the stale-connection resend -----------------------------------------

  @Test
  void aBufferedBodyGoesAgainWithTheRequestAfterAStaleConnection() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    TestBackend app = started("app", (pipeline, name, requests) -> {
      pipeline.addLast(new HttpObjectAggregator(1 << 16));
      pipeline.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          if (seen.incrementAndGet() == 2) {
            ctx.close();
          } else {
            ctx.writeAndFlush(response(200, "got " + req.content().toString(
                StandardCharsets.UTF_8)));
          }
        }
      });
    });
    UpstreamTimeout read = new UpstreamTimeout(UpstreamTimeout.Kind.READ, Duration.ofSeconds(2));
    publish(BodyBuffering.DEFAULTS, backend("shop/app:80", app), "/", read);
    String put = "PUT /doc HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\n\r\nabc";
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.send(put).read().text()).isEqualTo("got abc");
      RawResponse again = c.send(put).read();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.text()).isEqualTo("got abc");
    }
  }

  // ---- 4. rewrite-target with custom-http-errors -----------------------------------------------

  @Test
  void xOriginalUriIsTheClientsUriNotTheRewrittenOne() throws Exception {
    TestBackend missing = started("app", TestBackend.fixed(404, "app's 404"));
    publish(backend("shop/app:80", missing), "/api",
        new RewriteTarget("/api(/|$)(.*)", "/$2"), pages("404"));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get(HOST, "/api/users/7?x=1").read();
      assertThat(r.text()).isEqualTo("error page 404");
    }
    Asked a = asked.poll(5, TimeUnit.SECONDS);
    assertThat(a).isNotNull();
    assertThat(a.originalUri()).isEqualTo("/api/users/7?x=1");
    assertThat(a.uri()).isEqualTo("/?x=1");
  }
}
