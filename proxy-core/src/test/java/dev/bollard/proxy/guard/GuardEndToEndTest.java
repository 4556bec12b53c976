package dev.bollard.proxy.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard through a real listener: every known way around a guard (encoded and dot-segment paths,
 * absolute-form targets, challenge and robots paths) must reach the guarded backend zero times. A
 * {@code Host} differing from the TLS SNI name is tried over TLS in
 * {@code dev.bollard.proxy.tls.GuardOverTlsTest}.
 */
class GuardEndToEndTest {

  /** {@code htpasswd -nbB alice secret}: bcrypt, so checks really go through the pool. */
  private static final String ALICE =
      "alice:$2y$05$DWsMbEuYbykCm9hC6qzU4.HX9o/pe5madct8nMth79DlvRnF3L/L2\n";

  private static final BasicAuthPolicy POLICY =
      BasicAuthPolicy.of("Ingress test/preview", "Preview", Htpasswd.parse(ALICE, "test"));

  private TestBackend guarded;
  private TestBackend open;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    guarded = TestBackend.start("guarded", TestBackend.echo());
    open = TestBackend.start("open", TestBackend.echo());
    proxy = ProxyFixture.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    guarded.close();
    open.close();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static VirtualHost host(String name, Backend backend, BasicAuthPolicy policy) {
    return new VirtualHost(name, List.of(new Route(new PathMatch.Prefix("/"), backend,
        RouteSource.ingress("test", name), policy)));
  }

  private void publishRoutePolicies(AuthSettings auth) {
    Backend g = Snapshots.backend("test/guarded:80", guarded);
    Backend o = Snapshots.backend("test/open:80", open);
    RoutingSnapshot snapshot = Snapshots.of(
            host("preview.example.com", g, POLICY),
            Snapshots.host("open.example.com", o),
            host(VirtualHost.ANY_HOST, g, POLICY))
        .withSettings(dev.bollard.proxy.config.GlobalSettings.DEFAULTS.withAuth(auth));
    proxy.publish(snapshot);
  }

  private RawResponse send(String raw) throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      return c.send(raw).read();
    }
  }

  @Test
  void bypassAttemptsNeverReachTheGuardedBackend() throws Exception {
    publishRoutePolicies(AuthSettings.NONE);
    List<String> attempts = List.of(
        "GET / HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: PREVIEW.Example.COM.\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: preview.example.com:8080\r\n\r\n",
        "GET http://preview.example.com/ HTTP/1.1\r\nHost: open.example.com\r\n\r\n",
        "GET HTTP://Preview.Example.com:80/x HTTP/1.1\r\nHost: open.example.com\r\n\r\n",
        "GET /.well-known/acme-challenge/../app HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET /.well-known/acme-challenge/%2e%2e/app HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET /%2e%2e/ HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET /robots.txt/../app HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET /robots.txt%2f..%2fapp HTTP/1.1\r\nHost: preview.example.com\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: unknown.example.com\r\n\r\n");
    for (String attempt : attempts) {
      RawResponse r = send(attempt);
      assertThat(r.status()).as(attempt).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).as(attempt)
          .isEqualTo("Basic realm=\"Preview\", charset=\"UTF-8\"");
      assertThat(r.header("X-Robots-Tag")).as(attempt).isEqualTo("noindex, nofollow");
    }
    RawResponse duplicate = send(
        "GET / HTTP/1.1\r\nHost: open.example.com\r\nHost: preview.example.com\r\n\r\n");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(guarded.requests()).isZero();
  }

  @Test
  void absoluteFormGoesWhereItsAuthoritySaysWithThatHost() throws Exception {
    publishRoutePolicies(AuthSettings.NONE);
    RawResponse r = send("GET http://open.example.com/x HTTP/1.1\r\nHost: preview.example.com\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).containsIgnoringCase("host: open.example.com");
    assertThat(r.header("X-Robots-Tag")).isNull();
    assertThat(guarded.requests()).isZero();
  }

  @Test
  void rightCredentialsPassWithoutForwardingThem() throws Exception {
    publishRoutePolicies(AuthSettings.NONE);
    String body = "x".repeat(100_000);
    RawResponse r = send("POST /app HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
        + basic("alice", "secret") + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    assertThat(r.text()).doesNotContainIgnoringCase("authorization:").endsWith(body);
    assertThat(guarded.requests()).isEqualTo(1);
  }

  @Test
  void keepsAuthorizationWhenConfigured() throws Exception {
    publishRoutePolicies(new AuthSettings(List.of(), null, "x", List.of(), true, null));
    RawResponse r = send("GET / HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
        + basic("alice", "secret") + "\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).containsIgnoringCase("authorization: Basic");
  }

  @Test
  void unknownUserAndWrongPasswordAreBoth401() throws Exception {
    publishRoutePolicies(AuthSettings.NONE);
    for (String auth : List.of(basic("alice", "wrong"), basic("mallory", "secret"))) {
      RawResponse r = send("GET / HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
          + auth + "\r\n\r\n");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.text()).isEqualTo("401 Unauthorized: sign in to see this host\n");
    }
    assertThat(guarded.requests()).isZero();
  }

  @Test
  void repeatedFailuresAreThrottled() throws Exception {
    publishRoutePolicies(AuthSettings.NONE);
    RawResponse last = null;
    for (int i = 0; i < 11; i++) {
      last = send("GET / HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
          + basic("alice", "wrong" + i) + "\r\n\r\n");
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(Long.parseLong(last.header("Retry-After"))).isPositive();
    assertThat(last.header("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    RawResponse right = send("GET / HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
        + basic("alice", "secret") + "\r\n\r\n");
    assertThat(right.status()).isEqualTo(429);
    assertThat(guarded.requests()).isZero();
  }

  @Test
  void robotsAcmeAndExemptPathsNeedNoCredentials() throws Exception {
    publishRoutePolicies(new AuthSettings(List.of(), null, "x", List.of("/healthz"), false, null));
    RawResponse robots = send("GET /robots.txt HTTP/1.1\r\nHost: preview.example.com\r\n\r\n");
    assertThat(robots.status()).isEqualTo(200);
    assertThat(robots.text()).isEqualTo("User-agent: *\nDisallow: /\n");
    assertThat(robots.header("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    RawResponse acme = send(
        "GET /.well-known/acme-challenge/token HTTP/1.1\r\nHost: preview.example.com\r\n\r\n");
    assertThat(acme.status()).isEqualTo(404);
    assertThat(acme.header("WWW-Authenticate")).isNull();
    assertThat(guarded.requests()).isZero();
    RawResponse health = send("GET /healthz HTTP/1.1\r\nHost: preview.example.com\r\n\r\n");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.header("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    assertThat(send("GET /x/../healthz HTTP/1.1\r\nHost: preview.example.com\r\n\r\n").status())
        .isEqualTo(401);
    assertThat(guarded.requests()).isEqualTo(1);
  }

  @Test
  void brokenPolicyFailsClosed() throws Exception {
    Backend g = Snapshots.backend("test/guarded:80", guarded);
    proxy.publish(Snapshots.of(host("preview.example.com", g,
        BasicAuthPolicy.broken("Ingress test/preview", "Preview", "Secret test/x not found"))));
    RawResponse r = send("GET / HTTP/1.1\r\nHost: preview.example.com\r\nAuthorization: "
        + basic("alice", "secret") + "\r\n\r\n");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    assertThat(guarded.requests()).isZero();
  }

  @Test
  void globalHostPatternGuardsHostsWithoutRoutesToo() throws Exception {
    Backend g = Snapshots.backend("test/guarded:80", guarded);
    Backend o = Snapshots.backend("test/open:80", open);
    AuthSettings auth = new AuthSettings(List.of("*.staging.example.com"), "test/auth",
        "Staging", List.of(), false, POLICY);
    proxy.publish(Snapshots.withDefault(g, Snapshots.host("app.staging.example.com", g),
            Snapshots.host("open.example.com", o))
        .withSettings(dev.bollard.proxy.config.GlobalSettings.DEFAULTS.withAuth(auth)));
    for (String host : List.of("app.staging.example.com", "new.staging.example.com",
        "NEW.staging.example.com.:80")) {
      assertThat(send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).as(host)
          .isEqualTo(401);
    }
    assertThat(guarded.requests()).isZero();
    assertThat(send("GET / HTTP/1.1\r\nHost: new.staging.example.com\r\nAuthorization: "
        + basic("alice", "secret") + "\r\n\r\n").status()).isEqualTo(200);
    assertThat(send("GET / HTTP/1.1\r\nHost: open.example.com\r\n\r\n").status()).isEqualTo(200);
    assertThat(guarded.requests()).isEqualTo(1);
  }
}
