package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyRoutingTest {

  private TestBackend a;
  private TestBackend b;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    a = TestBackend.start("a", TestBackend.echo());
    b = TestBackend.start("b", TestBackend.echo());
    proxy = ProxyFixture.start().timeouts(new Timeouts(Duration.ofSeconds(2),
        Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ofSeconds(60)));
    proxy.publish(Snapshots.of(
        host("a.test", backend("test/a:80", a)),
        host("b.test", backend("test/b:80", b))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    a.close();
    b.close();
  }

  @Test
  void routesByHost() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse ra = c.get("a.test", "/x?q=1").read();
      RawResponse rb = c.get("B.TEST:80", "/y").read();

      assertThat(ra.status()).isEqualTo(200);
      assertThat(ra.header("x-backend")).isEqualTo("a");
      assertThat(ra.header("x-echo-uri")).isEqualTo("/x?q=1");
      assertThat(rb.header("x-backend")).isEqualTo("b");
    }
  }

  @Test
  void resolvesEndpointsGivenByName() throws Exception {
    // ExternalName Services give DNS names; "localhost" comes from the hosts file.
    proxy.publish(Snapshots.of(
        host("named.test", backend("test/named:80", new Endpoint("localhost", a.endpoint().port())))));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("named.test", "/n").read();

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-backend")).isEqualTo("a");
    }
  }

  @Test
  void sequentialRequestsReuseOneUpstreamConnection() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 10; i++) {
        assertThat(c.get("a.test", "/" + i).read().status()).isEqualTo(200);
      }
    }
    assertThat(a.requests()).isEqualTo(10);
    assertThat(a.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: b.test\r\n\r\n"
          + "GET /3 HTTP/1.1\r\nHost: nowhere.test\r\n\r\n");
      assertThat(c.read().header("x-echo-uri")).isEqualTo("/1");
      assertThat(c.read().header("x-echo-uri")).isEqualTo("/2");
      assertThat(c.read().status()).isEqualTo(404);
    }
  }

  @Test
  void forwardsHeadersLikeAProxy() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET /h HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 203.0.113.9\r\n"
          + "Connection: keep-alive, X-Client-Hop\r\nX-Client-Hop: secret\r\n"
          + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eDp5\r\n"
          + "X-Kept: yes\r\n\r\n");
      RawResponse r = c.read();
      String seen = r.text().toLowerCase();

      assertThat(seen).contains("host: a.test\n")
          // No trusted proxies configured: a client's own chain is not passed on (ingress-nginx
          // without use-forwarded-headers); AccessLogEndToEndTest covers the trusted case.
          .contains("x-forwarded-for: 127.0.0.1\n")
          .doesNotContain("203.0.113.9")
          .contains("x-forwarded-proto: http\n")
          .contains("x-forwarded-host: a.test\n")
          .contains("x-forwarded-port: " + proxy.port() + "\n")
          .contains("x-kept: yes\n")
          .doesNotContain("x-client-hop")
          .doesNotContain("keep-alive: timeout")
          .doesNotContain("\nte:")
          .doesNotContain("proxy-authorization");
      assertThat(r.headers()).doesNotContainKeys("x-hop-secret", "keep-alive", "connection");
      assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
    }
  }

  @Test
  void streamsAChunkedRequestBody() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /p HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      RawResponse r = c.read();
      // The backend aggregates, so it reports a length; the body arrived whole.
      assertThat(r.text()).endsWith("\n\nhello world");
    }
  }

  @Test
  void honoursConnectionCloseAndHttp10() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
      assertThat(c.read().header("connection")).isEqualTo("close");
      assertThat(c.isClosedByPeer()).isTrue();
    }
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET / HTTP/1.0\r\nHost: a.test\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET / HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
      assertThat(c.read().header("connection")).isEqualTo("keep-alive");
      c.send("GET / HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void unknownHostIs404AndConnectionStaysOpen() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("nowhere.test", "/p?x=1").read();
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).isEqualTo("404 Not Found: no route for host nowhere.test path /p\n");
      assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(c.get("a.test", "/").read().status()).isEqualTo(200);
    }
  }

  @Test
  void backendWithoutEndpointsIs503() throws Exception {
    proxy.publish(Snapshots.of(host("a.test", backend("test/empty:80", new Endpoint[0]))));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("a.test", "/").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.text()).contains("test/empty:80");
    }
  }

  @Test
  void refusedConnectionIs502AndOtherEndpointsAreTried() throws Exception {
    TestBackend gone = TestBackend.start("gone", TestBackend.echo());
    Endpoint refused = gone.endpoint();
    gone.close();

    proxy.publish(Snapshots.of(
        host("dead.test", backend("test/dead:80", refused)),
        host("mixed.test", backend("test/mixed:80", refused, a.endpoint()))));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse dead = c.get("dead.test", "/").read();
      assertThat(dead.status()).isEqualTo(502);
      assertThat(dead.text()).startsWith("502 Bad Gateway: ").contains("test/dead:80");
      for (int i = 0; i < 4; i++) {
        assertThat(c.get("mixed.test", "/").read().header("x-backend")).isEqualTo("a");
      }
    }
  }

  @Test
  void roundRobinsOverEndpoints() throws Exception {
    proxy.publish(Snapshots.of(host("both.test", backend("test/both:80", a, b))));
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 6; i++) {
        assertThat(c.get("both.test", "/").read().status()).isEqualTo(200);
      }
    }
    assertThat(a.requests()).isEqualTo(3);
    assertThat(b.requests()).isEqualTo(3);
  }

  @Test
  void silentUpstreamIs504() throws Exception {
    try (TestBackend silent = TestBackend.start("silent", TestBackend.silent())) {
      proxy.publish(Snapshots.of(host("slow.test", backend("test/slow:80", silent))));
      try (RawHttpConnection c = proxy.connect()) {
        RawResponse r = c.get("slow.test", "/").read();
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.text()).startsWith("504 Gateway Timeout: ").contains("test/slow:80");
      }
    }
  }
}
