package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.NextUpstreamRule;
import dev.bollard.proxy.step.RequestBuffering;
import dev.bollard.proxy.step.ResponseHeadLimit;
import dev.bollard.proxy.step.UpstreamTimeout;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.ScriptedBackend;
import dev.bollard.proxy.testing.ScriptedBackend.Answer;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.testing.RefusedPort;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code proxy-next-upstream}, {@code -tries} and {@code -timeout} against real backends: one that
 * refuses connections, one that answers 503, one that never answers. Two requests on one client
 * connection start at different endpoints (round-robin per event loop), so each pair below has one
 * request whose first try fails.
 */
class NextUpstreamTest {

  private static final String HOST = "retry.test";
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ProxyFixture proxy;
  private TestBackend ok;

  @BeforeEach
  void start() throws Exception {
    proxy = ProxyFixture.start();
    ok = started(TestBackend.echo(), "ok");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private TestBackend started(TestBackend.Behaviour behaviour, String name) throws Exception {
    TestBackend b = TestBackend.start(name, behaviour);
    closing.add(b);
    return b;
  }

  /** A loopback port nothing listens on: connections are refused. */
  private static Endpoint refusing() {
    return new Endpoint("127.0.0.1", RefusedPort.port());
  }

  private void publish(Backend backend, RouteFeature... features) {
    publish(BodyBuffering.OFF, backend, features);
  }

  private void publish(BodyBuffering buffering, Backend backend, RouteFeature... features) {
    Route route = new Route(new PathMatch.Prefix("/"), backend, RouteSource.ingress("test", "r"))
        .withFeatures(List.of(features));
    proxy.publish(new RoutingSnapshot(0, List.of(new VirtualHost(HOST, List.of(route))), null)
        .withSettings(GlobalSettings.DEFAULTS.withBodyBuffering(buffering)));
  }

  private static NextUpstreamRule.Conditions on(String conditions) {
    return new NextUpstreamRule.Conditions(NextUpstream.parseConditions(conditions));
  }

  private List<RawResponse> twoGets() throws IOException {
    try (RawHttpConnection c = proxy.connect()) {
      return List.of(c.get(HOST, "/a").read(), c.get(HOST, "/b").read());
    }
  }

  private List<RawResponse> twoPosts(String body) throws IOException {
    String post = "POST /form HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body;
    try (RawHttpConnection c = proxy.connect()) {
      return List.of(c.send(post).read(), c.send(post).read());
    }
  }

  private static List<Integer> statuses(List<RawResponse> responses) {
    return responses.stream().map(RawResponse::status).sorted().toList();
  }

  @Test
  void aRefusedConnectionGoesToTheNextEndpointByDefault() throws Exception {
    publish(backend("test/r:80", refusing(), ok.endpoint()));

    assertThat(statuses(twoGets())).containsExactly(200, 200);
    assertThat(ok.requests()).isEqualTo(2);
  }

  @Test
  void offGivesTheFirstFailureToTheClient() throws Exception {
    publish(backend("test/r:80", refusing(), ok.endpoint()), on("error timeout off"));

    assertThat(statuses(twoGets())).containsExactly(200, 502);
  }

  @Test
  void aRefusedPostWasNeverSentSoItGoesOn() throws Exception {
    publish(backend("test/r:80", refusing(), ok.endpoint()));

    List<RawResponse> answers = twoPosts("name=x");
    assertThat(statuses(answers)).containsExactly(200, 200);
    assertThat(answers.get(0).text()).endsWith("name=x");
    assertThat(answers.get(1).text()).endsWith("name=x");
  }

  @Test
  void a503IsRelayedUnlessTheRulesNameIt() throws Exception {
    TestBackend busy = started(TestBackend.fixed(503, "busy"), "busy");
    publish(backend("test/r:80", busy.endpoint(), ok.endpoint()));
    assertThat(statuses(twoGets())).containsExactly(200, 503);

    publish(backend("test/r:80", busy.endpoint(), ok.endpoint()), on("error timeout http_503"));
    List<RawResponse> answers = twoGets();
    assertThat(statuses(answers)).containsExactly(200, 200);
    assertThat(answers).allSatisfy(r -> assertThat(r.header("x-backend")).isEqualTo("ok"));
    assertThat(busy.requests()).isEqualTo(2);
  }

  @Test
  void aSentPostIsNotRetriedUnlessNonIdempotentIsNamed() throws Exception {
    TestBackend busy = started(TestBackend.fixed(503, "busy"), "busy");
    Backend both = backend("test/r:80", busy.endpoint(), ok.endpoint());
    publish(BodyBuffering.DEFAULTS, both, on("error timeout http_503"));
    assertThat(statuses(twoPosts("a=1"))).containsExactly(200, 503);

    publish(BodyBuffering.DEFAULTS, both, on("error timeout http_503 non_idempotent"));
    List<RawResponse> answers = twoPosts("a=2");
    assertThat(statuses(answers)).containsExactly(200, 200);
    // The buffered body went again, whole, to the next endpoint.
    assertThat(answers).allSatisfy(r -> assertThat(r.text()).endsWith("a=2"));
  }

  @Test
  void aStreamedBodyCannotBeSentAgain() throws Exception {
    TestBackend busy = started(TestBackend.fixed(503, "busy"), "busy");
    publish(backend("test/r:80", busy.endpoint(), ok.endpoint()),
        on("error timeout http_503 non_idempotent"), new RequestBuffering(false));

    String put = "PUT /doc HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\n\r\nabc";
    try (RawHttpConnection c = proxy.connect()) {
      List<RawResponse> answers = List.of(c.send(put).read(), c.send(put).read());
      assertThat(statuses(answers)).containsExactly(200, 503);
    }
  }

  @Test
  void aSilentEndpointPastTheReadTimeoutGoesToTheNextForGetNotForPost() throws Exception {
    TestBackend silent = started(TestBackend.silent(), "silent");
    Backend both = backend("test/r:80", silent.endpoint(), ok.endpoint());
    // Long enough that the answering endpoint never times out on a loaded machine.
    UpstreamTimeout read = new UpstreamTimeout(UpstreamTimeout.Kind.READ, Duration.ofSeconds(1));
    publish(BodyBuffering.DEFAULTS, both, read);

    assertThat(statuses(twoGets())).containsExactly(200, 200);
    assertThat(statuses(twoPosts("p=1"))).containsExactly(200, 504);
  }

  @Test
  void triesBoundHowManyEndpointsOneRequestReaches() throws Exception {
    TestBackend b1 = started(TestBackend.fixed(503, "b1"), "b1");
    TestBackend b2 = started(TestBackend.fixed(503, "b2"), "b2");
    TestBackend b3 = started(TestBackend.fixed(503, "b3"), "b3");
    Backend three = backend("test/r:80", b1, b2, b3);
    publish(three, on("http_503"), new NextUpstreamRule.Tries(2));

    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get(HOST, "/").read();
      // The last try's own response goes to the client.
      assertThat(r.status()).isEqualTo(503);
    }
    assertThat(b1.requests() + b2.requests() + b3.requests()).isEqualTo(2);

    publish(three, on("http_503"), new NextUpstreamRule.Tries(0));
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get(HOST, "/").read().status()).isEqualTo(503);
    }
    // 0: every endpoint, each once.
    assertThat(b1.requests() + b2.requests() + b3.requests()).isEqualTo(5);
  }

  @Test
  void noNextTryStartsAfterTheTimeout() throws Exception {
    TestBackend s1 = started(TestBackend.silent(), "s1");
    TestBackend s2 = started(TestBackend.silent(), "s2");
    Backend both = backend("test/r:80", s1, s2);
    UpstreamTimeout read = new UpstreamTimeout(UpstreamTimeout.Kind.READ, Duration.ofMillis(300));

    publish(both, read, new NextUpstreamRule.Timeout(Duration.ofMillis(200)));
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get(HOST, "/").read().status()).isEqualTo(504);
    }
    assertThat(s1.requests() + s2.requests()).isEqualTo(1);

    publish(both, read, new NextUpstreamRule.Timeout(Duration.ZERO));
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get(HOST, "/").read().status()).isEqualTo(504);
    }
    assertThat(s1.requests() + s2.requests()).isEqualTo(3);
  }

  @Test
  void aPooledConnectionClosedByTheUpstreamIsResentOnceForGetNotForPost() throws Exception {
    // The first request leaves a pooled connection; the upstream then closes it on the next
    // request without answering, as a server that timed the idle connection out does.
    try (ScriptedBackend script = ScriptedBackend.start(
        Answer.of(ScriptedBackend.FINE), Answer.thenClose(""),
        Answer.of(ScriptedBackend.FINE), Answer.thenClose(""))) {
      publish(backend("test/r:80", script.endpoint()));
      try (RawHttpConnection c = proxy.connect()) {
        assertThat(c.get(HOST, "/1").read().status()).isEqualTo(200);
        RawResponse again = c.get(HOST, "/2").read();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text()).isEqualTo("fine");
        assertThat(script.connectionsAccepted()).isEqualTo(2);

        c.send("POST /3 HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 0\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(502);
      }
      assertThat(script.heads()).hasSize(4);
    }
  }

  @Test
  void aResponseHeadOverProxyBufferSizeIsAnInvalidHeader() throws Exception {
    String big = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Big: " + "b".repeat(6000)
        + "\r\n\r\nbig";
    try (ScriptedBackend script = ScriptedBackend.start(Answer.of(big), Answer.of(big))) {
      Backend one = backend("test/r:80", script.endpoint());
      publish(one);
      try (RawHttpConnection c = proxy.connect()) {
        assertThat(c.get(HOST, "/").read().text()).isEqualTo("big");
      }
      publish(one, new ResponseHeadLimit(4096));
      try (RawHttpConnection c = proxy.connect()) {
        assertThat(c.get(HOST, "/").read().status()).isEqualTo(502);
      }
    }
    try (ScriptedBackend script = ScriptedBackend.start(Answer.of(big), Answer.of(big))) {
      publish(backend("test/r:80", script.endpoint(), ok.endpoint()),
          new ResponseHeadLimit(4096), on("invalid_header"));
      assertThat(statuses(twoGets())).containsExactly(200, 200);
    }
  }
}
