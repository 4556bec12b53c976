package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upstream-hash-by} and {@code load-balance} from YAML to the wire, through a real Bollard
 * and real backends that name themselves ({@code X-Backend}): Service {@code app} has three
 * endpoints (a, b, c; one EndpointSlice each, so one can be taken away), Service {@code mixed}
 * two fast ones and one that answers after {@value #SLOW_MILLIS} ms.
 */
class BalanceEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String P = "nginx.ingress.kubernetes.io/";
  private static final long SLOW_MILLIS = 400;

  @TempDir Path manifests;
  private TestBackend a;
  private TestBackend b;
  private TestBackend c;
  private TestBackend fast1;
  private TestBackend fast2;
  private TestBackend slow;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    a = TestBackend.start("a", TestBackend.echo());
    b = TestBackend.start("b", TestBackend.echo());
    c = TestBackend.start("c", TestBackend.echo());
    fast1 = TestBackend.start("fast1", TestBackend.echo());
    fast2 = TestBackend.start("fast2", TestBackend.echo());
    slow = TestBackend.start("slow", delayed(SLOW_MILLIS));
    Files.writeString(manifests.resolve("app.yaml"), service("app", a, b, c));
    Files.writeString(manifests.resolve("mixed.yaml"), service("mixed", fast1, fast2, slow));
    Files.writeString(manifests.resolve("ingresses.yaml"),
        ingress("by-uri", "uri", "app", P + "upstream-hash-by: \"$request_uri\"")
            + ingress("by-user", "user", "app", P + "upstream-hash-by: \"$http_x_user\"")
            + ingress("plain", "plain", "mixed", "")
            + ingress("ewma", "ewma", "mixed", P + "load-balance: \"ewma\"")
            + ingress("bad-lb", "bad-lb", "app", P + "load-balance: \"fastest\"")
            + ingress("bad-hash", "bad-hash", "app",
                P + "upstream-hash-by: \"$request_uri$upstream_addr\""));
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    for (TestBackend backend : new TestBackend[] {a, b, c, fast1, fast2, slow}) {
      if (backend != null) {
        backend.close();
      }
    }
  }

  /**
   * Each of {@value #KEYS} request URIs twice: the same backend both times, and every backend a
   * fair share of the keys.
   *
   * <p>The bound: an endpoint's share of the hash circle is the sum of its 160 arcs among 480
   * points, which (points placed as by random hashes) is Beta(160, 320): mean 1/3, standard
   * deviation 0.0215. The keys of one endpoint are then Binomial(1500, share): 0.0122 more. Between
   * 15% and 52% is 0.183 from 1/3, 7.4 combined standard deviations: a correct proxy fails this
   * less than once in 10^12 runs (three endpoints), while one hash that sent everything to one
   * endpoint (100%, 0%, 0%) never passes, and round robin fails the same-backend check at once.
   */
  @Test
  void theSameUriGoesToTheSameBackendAndTheKeysSpreadOverAllThree() throws Exception {
    Map<String, String> first = byKey("uri.localhost", KEYS, i -> "/item/" + i, i -> "");
    Map<String, String> second = byKey("uri.localhost", KEYS, i -> "/item/" + i, i -> "");
    assertThat(second).isEqualTo(first);
    Map<String, Integer> counts = counts(first);
    assertThat(counts).containsOnlyKeys("a", "b", "c");
    for (int n : counts.values()) {
      assertThat(n).isBetween(KEYS * 15 / 100, KEYS * 52 / 100);
    }
    assertThat(a.requests() + b.requests() + c.requests()).isEqualTo(2 * KEYS);
  }

  private static final int KEYS = 1500;

  /**
   * The key is a request header: 300 users, each twice, always to the same backend; the query
   * string does not matter. The users land on more than one backend (all 300 on one: probability
   * below 3 x 0.52^300).
   */
  @Test
  void theSameHeaderGoesToTheSameBackendWhateverTheUri() throws Exception {
    int users = 300;
    Map<String, String> first = byKey("user.localhost", users, i -> "/a?n=" + i,
        i -> "X-User: user-" + i + "\r\n");
    Map<String, String> again = new HashMap<>();
    try (RawHttpConnection conn = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < users; i++) {
        again.put("/a?n=" + i, backend(conn, "user.localhost", "/other/" + i,
            "X-User: user-" + i + "\r\n"));
      }
    }
    assertThat(again).isEqualTo(first);
    assertThat(counts(first)).hasSizeGreaterThan(1);
  }

  /**
   * Endpoint c leaves the Service: its keys move to a and b, and no key of a or b moves (the ring
   * keeps their points); c's keys spread over both.
   */
  @Test
  void anEndpointLeavingMovesOnlyItsOwnKeys() throws Exception {
    Map<String, String> before = byKey("uri.localhost", KEYS, i -> "/item/" + i, i -> "");
    Files.writeString(manifests.resolve("app.yaml"), service("app", a, b));
    await().atMost(WAIT).until(() -> endpointsOf("uri.localhost") == 2);
    Map<String, String> after = byKey("uri.localhost", KEYS, i -> "/item/" + i, i -> "");
    int moved = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (e.getValue().equals("c")) {
        assertThat(now).isIn("a", "b");
        moved++;
      } else {
        assertThat(now).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(moved).isEqualTo(counts(before).get("c"));
    assertThat(counts(after)).containsOnlyKeys("a", "b");
  }

  /**
   * {@code ewma}: 300 requests one after the other on one connection (one event loop, so one
   * balancer's state). Round robin gives the slow endpoint 100 of them. Peak-EWMA learns its
   * {@value #SLOW_MILLIS} ms on its first answer, and from then on it loses every draw against an
   * endpoint answering in a few ms, until its average has decayed below theirs (10 s x ln 100 =
   * 46 s, longer than this test). What can give it more: the first draws (nothing measured yet),
   * and a fast endpoint that once took longer than {@value #SLOW_MILLIS} ms (a pause of the
   * machine) and keeps that peak until it decays (10 s x ln(pause / 400 ms): 7 s for an 800 ms
   * pause), during which the slow endpoint wins a third of the draws, about 15 requests at 400 ms
   * each. Fewer than 40 leaves room for that; round robin's 100 never passes. The split between
   * the two fast endpoints is not checked: such a pause moves it. A warm-up on a round-robin host
   * first, so the proxy's first requests (class loading) are not a fast endpoint's first latency.
   */
  @Test
  void ewmaSendsClearlyLessToTheSlowEndpoint() throws Exception {
    try (RawHttpConnection conn = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < 30; i++) {
        backend(conn, "plain.localhost", "/warm/" + i, "");
      }
    }
    int slowBefore = slow.requests();
    Map<String, Integer> counts = new HashMap<>();
    try (RawHttpConnection conn = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < 300; i++) {
        counts.merge(backend(conn, "ewma.localhost", "/" + i, ""), 1, Integer::sum);
      }
    }
    assertThat(counts.getOrDefault("slow", 0)).isLessThan(40);
    assertThat(counts.getOrDefault("fast1", 0) + counts.getOrDefault("fast2", 0))
        .isGreaterThan(260);
    assertThat(slow.requests() - slowBefore).isEqualTo(counts.getOrDefault("slow", 0));
  }

  /**
   * Bad values are problems naming the Ingress, the annotation and the value ({@code bollard
   * check} prints them), and the Ingress is served without the annotation.
   */
  @Test
  void badValuesAreProblemsAndTheIngressIsServedWithoutThem() throws Exception {
    StringWriter out = new StringWriter();
    int code = Main.execute(Map.of(), new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true), "check", manifests.toString());
    assertThat(code).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .contains("Ingress shop/bad-lb").contains("metadata.annotations[" + P + "load-balance]")
        .contains("\"fastest\"").contains("round_robin, ewma or least_conn"));
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .contains("Ingress shop/bad-hash")
        .contains("metadata.annotations[" + P + "upstream-hash-by]")
        .contains("\"$request_uri$upstream_addr\"").contains("$upstream_addr is not supported"));
    // Served without them: round robin over a, b and c, the same URI included.
    try (RawHttpConnection conn = RawHttpConnection.open(runtime.proxyPort())) {
      for (String host : new String[] {"bad-lb.localhost", "bad-hash.localhost"}) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 6; i++) {
          counts.merge(backend(conn, host, "/same", ""), 1, Integer::sum);
        }
        assertThat(counts).as(host).containsOnlyKeys("a", "b", "c");
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Key i's URI ({@code uri}) to the backend that answered it; a new connection every 500
   * requests (a connection serves at most keep-alive-requests, 1000, as nginx's).
   */
  private Map<String, String> byKey(String host, int n, java.util.function.IntFunction<String> uri,
      java.util.function.IntFunction<String> headers) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (int from = 0; from < n; from += 500) {
      try (RawHttpConnection conn = RawHttpConnection.open(runtime.proxyPort())) {
        for (int i = from; i < Math.min(n, from + 500); i++) {
          out.put(uri.apply(i), backend(conn, host, uri.apply(i), headers.apply(i)));
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> counts(Map<String, String> byKey) {
    Map<String, Integer> counts = new HashMap<>();
    byKey.values().forEach(name -> counts.merge(name, 1, Integer::sum));
    return counts;
  }

  private static String backend(RawHttpConnection conn, String host, String uri, String headers)
      throws IOException {
    conn.send("GET " + uri + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "\r\n");
    RawResponse response = conn.read();
    assertThat(response.status()).as(host + uri).isEqualTo(200);
    return response.header("x-backend");
  }

  private int endpointsOf(String host) {
    for (VirtualHost vh : runtime.currentSnapshot().virtualHosts()) {
      if (vh.hostPattern().equals(host)) {
        for (Route route : vh.routes()) {
          return route.backend().endpoints().size();
        }
      }
    }
    return -1;
  }

  /** Answers 200 naming itself after {@code millis}, each request on its own timer. */
  private static TestBackend.Behaviour delayed(long millis) {
    return (pipeline, name, requests) -> {
      pipeline.addLast("aggregate", new HttpObjectAggregator(1 << 16));
      pipeline.addLast("delayed", new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
          ctx.executor().schedule(() -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK, Unpooled.copiedBuffer(name, StandardCharsets.UTF_8));
            response.headers().set("X-Backend", name)
                .setInt("Content-Length", response.content().readableBytes());
            ctx.writeAndFlush(response);
          }, millis, TimeUnit.MILLISECONDS);
        }
      });
    };
  }

  /** Service {@code shop/NAME} with one EndpointSlice per backend (same port name). */
  private static String service(String name, TestBackend... backends) {
    StringBuilder yaml = new StringBuilder(TestManifests.service(name));
    for (TestBackend backend : backends) {
      yaml.append(TestManifests.slice(name, name + "-" + backend.name(), backend.port()));
    }
    return yaml.toString();
  }

  private static String ingress(String name, String host, String service, String annotation) {
    return TestManifests.ingress(name, host, service,
        annotation.isEmpty() ? "" : "  annotations:\n    " + annotation + "\n");
  }
}
