package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestCa;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.accesslog.AccessLog;
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
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * External authentication ({@code auth-url} and its companions, {@code global-auth-*}) from YAML
 * to the wire, through a real Bollard, a real backend that echoes what it got, and a small auth
 * service that behaves like oauth2-proxy's {@code /oauth2/auth}: 200 with {@code
 * X-Auth-Request-User} and {@code -Email} for a valid session cookie, 401 otherwise (and clearing
 * an expired cookie), plus paths that answer 500, never answer, or 403.
 */
class ExternalAuthEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String P = "nginx.ingress.kubernetes.io/";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  @TempDir Path logs;
  private TestBackend app;
  private TestBackend auth;
  /** The same auth service over TLS, reached by name ({@code localhost}). */
  private TestBackend tlsAuth;
  private final ConcurrentLinkedQueue<String> serverNames = new ConcurrentLinkedQueue<>();
  private final AtomicInteger authCalls = new AtomicInteger();
  private final ConcurrentLinkedQueue<HttpHeaders> authHeads = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> authMethods = new ConcurrentLinkedQueue<>();
  private int closedPort;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    app = TestBackend.start("app", TestBackend.echo());
    auth = TestBackend.start("auth", (pipeline, name, requests) -> pipeline.addLast(
        new HttpObjectAggregator(64 * 1024), new SimpleChannelInboundHandler<FullHttpRequest>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse response = oauth2Proxy(req);
            if (response != null) {
              ctx.writeAndFlush(response);
            }
          }
        }));
    TestCa.Issued certificate = TestCa.root("Auth CA").issue("localhost");
    SslContext tls = SslContextBuilder.forServer(certificate.key(),
        certificate.chain().toArray(new X509Certificate[0])).sslProvider(SslProvider.JDK).build();
    tlsAuth = TestBackend.start("tls-auth", (pipeline, name, requests) -> {
      SslHandler handler = tls.newHandler(pipeline.channel().alloc());
      pipeline.addFirst("tls", handler);
      pipeline.addLast(new HttpObjectAggregator(64 * 1024),
          new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
              if (handler.engine().getSession() instanceof ExtendedSSLSession session) {
                session.getRequestedServerNames().forEach(n -> serverNames.add(
                    ((SNIHostName) n).getAsciiName()));
              }
              ctx.writeAndFlush(oauth2Proxy(req));
            }
          });
    });
    closedPort = RefusedPort.port();
    Files.writeString(manifests.resolve("auth.yaml"), manifest());
    Files.writeString(manifests.resolve("config.yaml"), config(""));
    runtime = standalone.start(manifests, p -> p.withAccessLog(
        new AccessLogOptions(logs.resolve("access.log").toString(), AccessLog.Format.JSON,
            1000)));
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().timeouts().read()
        .equals(Duration.ofSeconds(1)));
  }

  @AfterEach
  void stop() {
    app.close();
    auth.close();
    tlsAuth.close();
  }

  /** What the fake oauth2-proxy answers; {@code null} for no answer at all. */
  private FullHttpResponse oauth2Proxy(FullHttpRequest req) {
    String path = new QueryStringDecoder(req.uri()).path();
    if (path.startsWith("/oauth2/auth")) {
      authCalls.incrementAndGet();
      authHeads.add(req.headers().copy());
      authMethods.add(req.method().name());
    }
    String cookie = req.headers().get(HttpHeaderNames.COOKIE, "");
    return switch (path) {
      case "/oauth2/auth" -> {
        String user = cookie.contains("_oauth2_proxy=valid-alice") ? "alice"
            : cookie.contains("_oauth2_proxy=valid-bob") ? "bob" : null;
        if (user != null) {
          FullHttpResponse ok = answer(HttpResponseStatus.ACCEPTED, "");
          ok.headers().set("X-Auth-Request-User", user)
              .set("X-Auth-Request-Email", user + "@example.com");
          yield ok;
        }
        FullHttpResponse denied = answer(HttpResponseStatus.UNAUTHORIZED, "Unauthorized");
        if (cookie.contains("_oauth2_proxy=expired")) {
          denied.headers().set(HttpHeaderNames.SET_COOKIE,
              "_oauth2_proxy=; Path=/; Max-Age=0; HttpOnly");
        }
        yield denied;
      }
      case "/oauth2/auth-refresh" -> {
        FullHttpResponse ok = answer(HttpResponseStatus.OK, "");
        ok.headers().set(HttpHeaderNames.SET_COOKIE, "_oauth2_proxy=valid-alice; Path=/");
        yield ok;
      }
      case "/oauth2/auth-500" -> answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, "boom");
      case "/oauth2/auth-403" -> answer(HttpResponseStatus.FORBIDDEN, "no");
      case "/oauth2/auth-slow" -> null;
      case "/oauth2/start" -> {
        FullHttpResponse start = answer(HttpResponseStatus.FOUND, "");
        start.headers().set(HttpHeaderNames.LOCATION, "https://idp.example/authorize");
        yield start;
      }
      default -> answer(HttpResponseStatus.NOT_FOUND, "not found");
    };
  }

  private static FullHttpResponse answer(HttpResponseStatus status, String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  private RawResponse get(String host, String target, String headers) throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      return c.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "\r\n")
          .read();
    }
  }

  @Test
  void aValidSessionPassesWithTheUserHeadersInjectedUpstream() throws Exception {
    RawResponse r = get("app.localhost", "/orders?page=2",
        "Cookie: theme=dark; _oauth2_proxy=valid-alice\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).containsIgnoringCase("x-auth-request-user: alice")
        .containsIgnoringCase("x-auth-request-email: alice@example.com");
    HttpHeaders sent = authHeads.poll();
    assertThat(sent).isNotNull();
    assertThat(authMethods.poll()).isEqualTo("GET");
    assertThat(sent.get("X-Original-URL")).isEqualTo("http://app.localhost/orders?page=2");
    assertThat(sent.get("X-Original-Method")).isEqualTo("GET");
    assertThat(sent.get("X-Auth-Request-Redirect")).isEqualTo("/orders?page=2");
    assertThat(sent.get("X-Real-IP")).isEqualTo("127.0.0.1");
    assertThat(sent.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(sent.get("X-Sent-From")).isEqualTo("nginx-ingress-controller");
    assertThat(sent.get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:" + auth.port());
    assertThat(sent.get(HttpHeaderNames.COOKIE)).contains("_oauth2_proxy=valid-alice");
    assertThat(sent.get("X-Request-ID")).isNotBlank();
    assertThat(sent.get("X-From-ConfigMap")).isEqualTo("app.localhost");
    assertThat(sent.contains(HttpHeaderNames.TRANSFER_ENCODING)).as("no body").isFalse();
    assertThat(app.requests()).isEqualTo(1);

    // The access log line says what the auth service answered and how long it took.
    Path log = logs.resolve("access.log");
    await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).contains("/orders"));
    assertThat(Files.readString(log)).contains("\"auth_status\":202,\"auth_time\":");
  }

  @Test
  void anHttpsAuthServiceIsReachedByNameWithItsServerNameOverOnePooledConnection()
      throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (String cookie : new String[] {"valid-alice", "forged", "valid-bob"}) {
        c.send("GET / HTTP/1.1\r\nHost: tls.localhost\r\nCookie: _oauth2_proxy=" + cookie
            + "\r\n\r\n");
        RawResponse r = c.read();
        assertThat(r.status()).as(cookie).isEqualTo(cookie.equals("forged") ? 401 : 200);
      }
    }
    assertThat(serverNames).as("the server name, on every request").containsExactly(
        "localhost", "localhost", "localhost");
    assertThat(tlsAuth.connectionsAccepted()).isEqualTo(1);
    assertThat(tlsAuth.requests()).isEqualTo(3);
  }

  @Test
  void connectionsToTheAuthServiceAreKeptAlive() throws Exception {
    // One client connection: one event loop, whose pool keeps the auth connection.
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < 5; i++) {
        c.send("GET / HTTP/1.1\r\nHost: app.localhost\r\nCookie: _oauth2_proxy=valid-alice"
            + "\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
    assertThat(authCalls).hasValue(5);
    assertThat(auth.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void aWrongOrMissingCookieIsRefused401AndAnExpiredOneIsCleared() throws Exception {
    RawResponse wrong = get("app.localhost", "/", "Cookie: _oauth2_proxy=forged\r\n");
    assertThat(wrong.status()).isEqualTo(401);
    RawResponse none = get("app.localhost", "/", "");
    assertThat(none.status()).isEqualTo(401);
    RawResponse expired = get("always.localhost", "/", "Cookie: _oauth2_proxy=expired\r\n");
    assertThat(expired.status()).isEqualTo(401);
    // auth-always-set-cookie: the auth service's Set-Cookie reaches the client even on a 401.
    assertThat(expired.header("Set-Cookie")).startsWith("_oauth2_proxy=;");
    RawResponse withoutAlways = get("app.localhost", "/", "Cookie: _oauth2_proxy=expired\r\n");
    assertThat(withoutAlways.header("Set-Cookie")).isNull();
    assertThat(app.requests()).isZero();
  }

  @Test
  void aSetCookieOfASuccessfulCheckReachesTheClient() throws Exception {
    RawResponse r = get("refresh.localhost", "/", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Set-Cookie")).isEqualTo("_oauth2_proxy=valid-alice; Path=/");
  }

  @Test
  void aRefusalWithSigninRedirectsThereWithTheOriginalUrl() throws Exception {
    RawResponse r = get("signin.localhost", "/reports/q1?year=2026&x=a%20b",
        "Cookie: _oauth2_proxy=expired\r\n");
    assertThat(r.status()).isEqualTo(302);
    String location = r.header("Location");
    assertThat(location).startsWith("http://127.0.0.1:" + auth.port() + "/oauth2/start?rd=");
    String rd = URLDecoder.decode(location.substring(location.indexOf("?rd=") + 4),
        StandardCharsets.UTF_8);
    assertThat(rd).isEqualTo("http://signin.localhost/reports/q1?year=2026&x=a%20b");
    // The signin location sets the auth service's cookie (here: clears the expired one).
    assertThat(r.header("Set-Cookie")).startsWith("_oauth2_proxy=;");
    // A custom parameter name (ingress-nginx's form: scheme and host as they are, the request
    // URI escaped); a signin URL that already carries the parameter is used as it is.
    RawResponse custom = get("param.localhost", "/x?y=1", "");
    assertThat(custom.header("Location")).isEqualTo("http://127.0.0.1:" + auth.port()
        + "/oauth2/start?next=http://param.localhost%2Fx%3Fy%3D1");
    RawResponse given = get("given.localhost", "/x", "");
    assertThat(given.header("Location")).isEqualTo("http://127.0.0.1:" + auth.port()
        + "/oauth2/start?rd=/home");
    assertThat(app.requests()).isZero();
  }

  @Test
  void a403IsPassedOnAndEverythingElseIs500NeverAPass() throws Exception {
    assertThat(get("forbidden.localhost", "/", "").status()).isEqualTo(403);
    assertThat(get("broken.localhost", "/", "").status()).isEqualTo(500);
    assertThat(get("down.localhost", "/", "").status()).isEqualTo(500);
    assertThat(app.requests()).isZero();
  }

  @Test
  void aSilentAuthServiceIs500AfterTheTimeoutNotAfterTheClientsPatience() throws Exception {
    long start = System.nanoTime();
    RawResponse r = get("slow.localhost", "/", "");
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(r.status()).isEqualTo(500);
    // proxy-read-timeout is 1 s here; the sweep may fire up to a tick late.
    assertThat(millis).isBetween(900L, 5000L);
    assertThat(app.requests()).isZero();
    Path log = logs.resolve("access.log");
    await().atMost(WAIT).until(() -> Files.exists(log)
        && Files.readString(log).contains("\"auth_status\":504"));
  }

  @Test
  void aClientCannotSmuggleTheInjectedHeaders() throws Exception {
    RawResponse r = get("app.localhost", "/", "Cookie: _oauth2_proxy=valid-bob\r\n"
        + "X-Auth-Request-User: admin\r\nX-Auth-Request-Email: admin@example.com\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).containsIgnoringCase("x-auth-request-user: bob")
        .doesNotContainIgnoringCase("admin");
    // Even where the auth service sends none of them back, the client's copies are gone.
    RawResponse refresh = get("refresh.localhost", "/",
        "X-Auth-Request-User: admin\r\n");
    assertThat(refresh.status()).isEqualTo(200);
    assertThat(refresh.text()).doesNotContainIgnoringCase("x-auth-request-user");
  }

  @Test
  void aCachedDecisionIsNotAskedAgainAndIsNeverSharedBetweenUsers() throws Exception {
    // The key is only $host: ingress-nginx would share alice's answer with everyone on the host.
    for (int i = 0; i < 3; i++) {
      RawResponse r = get("cached.localhost", "/", "Cookie: _oauth2_proxy=valid-alice\r\n");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).containsIgnoringCase("x-auth-request-user: alice");
    }
    assertThat(authCalls).as("one call, then the cache").hasValue(1);
    RawResponse bob = get("cached.localhost", "/", "Cookie: _oauth2_proxy=valid-bob\r\n");
    assertThat(bob.text()).containsIgnoringCase("x-auth-request-user: bob")
        .doesNotContainIgnoringCase("alice");
    RawResponse stranger = get("cached.localhost", "/", "Cookie: _oauth2_proxy=forged\r\n");
    assertThat(stranger.status()).isEqualTo(401);
    RawResponse nobody = get("cached.localhost", "/", "");
    assertThat(nobody.status()).isEqualTo(401);
    assertThat(authCalls).hasValue(4);
    // The 401 is cached too (200 202 401 by default), for that client only.
    assertThat(get("cached.localhost", "/", "").status()).isEqualTo(401);
    assertThat(get("cached.localhost", "/", "Cookie: _oauth2_proxy=valid-bob\r\n").status())
        .isEqualTo(200);
    assertThat(authCalls).hasValue(4);
  }

  @Test
  void acmeChallengesAndRobotsNeverAskTheAuthService() throws Exception {
    RawResponse acme = get("app.localhost", "/.well-known/acme-challenge/token", "");
    assertThat(acme.status()).isEqualTo(404);
    RawResponse robots = get("app.localhost", "/robots.txt", "");
    assertThat(robots.status()).isEqualTo(200);
    assertThat(robots.text()).isEqualTo("User-agent: *\nDisallow: /\n");
    assertThat(authCalls).hasValue(0);
    assertThat(app.requests()).isZero();
  }

  @Test
  void globalAuthGuardsEveryIngressButThoseThatOptOutOrHaveTheirOwn() throws Exception {
    assertThat(get("open.localhost", "/", "").status()).isEqualTo(200);
    RawHttp.replaceFile(manifests, "config.yaml", config("""
          global-auth-url: "http://127.0.0.1:%d/oauth2/auth"
          global-auth-signin: "http://127.0.0.1:%d/oauth2/start"
          global-auth-response-headers: "X-Auth-Request-User"
        """.formatted(auth.port(), auth.port())));
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().globalAuth().on());
    RawResponse refused = get("open.localhost", "/x", "");
    assertThat(refused.status()).isEqualTo(302);
    assertThat(refused.header("Location")).endsWith("/oauth2/start?rd=http://open.localhost%2Fx");
    RawResponse alice = get("open.localhost", "/", "Cookie: _oauth2_proxy=valid-alice\r\n"
        + "X-Auth-Request-User: admin\r\n");
    assertThat(alice.status()).isEqualTo(200);
    assertThat(alice.text()).containsIgnoringCase("x-auth-request-user: alice");
    int calls = authCalls.get();
    assertThat(get("optout.localhost", "/", "").status()).isEqualTo(200);
    assertThat(authCalls).hasValue(calls);
    // An Ingress with its own auth-url keeps it (here: one that answers 403).
    assertThat(get("forbidden.localhost", "/", "").status()).isEqualTo(403);
  }

  private String config(String more) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v%d
          labels:
            bollard.dev/config: bollard
            bollard.dev/config-version: "%d"
        data:
          proxy-read-timeout: "1"
        %s""".formatted(more.isEmpty() ? 1 : 2, more.isEmpty() ? 1 : 2, more);
  }

  private String manifest() {
    String url = "http://127.0.0.1:" + auth.port();
    StringBuilder yaml = new StringBuilder();
    yaml.append(TestManifests.service("app", app.port()));
    yaml.append("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: auth-headers
          namespace: shop
        data:
          X-From-ConfigMap: "$host"
        ---
        """);
    String headers = "X-Auth-Request-User,X-Auth-Request-Email";
    yaml.append(TestManifests.ingress("app", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-response-headers", headers, "auth-proxy-set-headers", "auth-headers")));
    yaml.append(TestManifests.ingress("always", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-always-set-cookie", "true")));
    yaml.append(TestManifests.ingress("refresh", "app", annotations("auth-url", url + "/oauth2/auth-refresh",
        "auth-response-headers", headers)));
    yaml.append(TestManifests.ingress("signin", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-signin", url + "/oauth2/start")));
    yaml.append(TestManifests.ingress("param", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-signin", url + "/oauth2/start", "auth-signin-redirect-param", "next")));
    yaml.append(TestManifests.ingress("given", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-signin", url + "/oauth2/start?rd=/home")));
    yaml.append(TestManifests.ingress("forbidden", "app", annotations("auth-url", url + "/oauth2/auth-403")));
    yaml.append(TestManifests.ingress("broken", "app", annotations("auth-url", url + "/oauth2/auth-500")));
    yaml.append(TestManifests.ingress("slow", "app", annotations("auth-url", url + "/oauth2/auth-slow")));
    yaml.append(TestManifests.ingress("down", "app", annotations("auth-url",
        "http://127.0.0.1:" + closedPort + "/oauth2/auth")));
    yaml.append(TestManifests.ingress("cached", "app", annotations("auth-url", url + "/oauth2/auth",
        "auth-response-headers", headers, "auth-cache-key", "$host")));
    yaml.append(TestManifests.ingress("tls", "app", annotations("auth-url",
        "https://localhost:" + tlsAuth.port() + "/oauth2/auth")));
    yaml.append(TestManifests.ingress("open", "app", ""));
    yaml.append(TestManifests.ingress("optout", "app", annotations("enable-global-auth", "false")));
    return yaml.toString();
  }

  private static String annotations(String... nameValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nameValues.length; i += 2) {
      out.append("    ").append(P).append(nameValues[i]).append(": \"")
          .append(nameValues[i + 1]).append("\"\n");
    }
    return out.toString();
  }
}
