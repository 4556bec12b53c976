package dev.bollard.proxy.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.step.LoadBalancing;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code least_conn} through the real proxy: the exchange counts each try in flight on its
 * endpoint until the response head or the try's end, whichever way it ends (answered, timed out,
 * the client gone). One event loop, so every connection shares one balancer.
 */
class InFlightBalancingTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private ProxyFixture proxy;
  private TestBackend held;
  private TestBackend free;

  @AfterEach
  void stop() {
    gate.complete(null);
    if (proxy != null) {
      proxy.close();
    }
    if (held != null) {
      held.close();
    }
    if (free != null) {
      free.close();
    }
  }

  private void start(TestBackend.Behaviour heldBehaviour, Duration readTimeout) throws Exception {
    held = TestBackend.start("held", heldBehaviour);
    free = TestBackend.start("free", TestBackend.echo());
    proxy = ProxyFixture.start(s -> new ServerSettings(s.bind(), 1, s.maxHeaderBytes(),
        s.maxUriBytes(), s.maxHeaderCount(), s.shutdownGrace(), s.upstreamIdleTimeout()));
    proxy.timeouts(new Timeouts(Duration.ofSeconds(2), readTimeout, Duration.ofSeconds(60),
        Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60),
        Duration.ofSeconds(60)));
    // Endpoints in this order: the rotation starts with the held one.
    Backend backend = new Backend("test/app:80", List.of(held.endpoint(), free.endpoint()));
    Route route = new Route(new PathMatch.Prefix("/"), backend, RouteSource.ingress("test", "app"))
        .withFeatures(List.of(new LoadBalancing(LoadBalance.LEAST_CONN)));
    proxy.publish(Snapshots.of(new VirtualHost("app.test", List.of(route))));
  }

  private static String backend(RawHttpConnection c, String path) throws Exception {
    c.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
    RawResponse r = c.read();
    assertThat(r.status()).isEqualTo(200);
    return r.header("x-backend");
  }

  @Test
  void aHeldRequestSteersNewOnesAwayUntilItIsAnswered() throws Exception {
    start(TestBackend.gated(gate, "late"), Duration.ofSeconds(5));
    try (RawHttpConnection first = proxy.connect(); RawHttpConnection other = proxy.connect()) {
      first.send("GET /held HTTP/1.1\r\nHost: app.test\r\n\r\n");
      await().atMost(WAIT).until(() -> held.requests() == 1);
      // Round robin would send every other one to the held endpoint (and wait for it).
      for (int i = 0; i < 10; i++) {
        assertThat(backend(other, "/" + i)).isEqualTo("free");
      }
      gate.complete(null);
      assertThat(first.read().status()).isEqualTo(200);
      // Nothing in flight anywhere: ties, broken by the rotation, so both get requests again.
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(backend(other, "/after/" + i));
      }
      assertThat(seen).containsExactlyInAnyOrder("held", "free");
    }
  }

  /**
   * A pooled connection the endpoint closed as it was reused: the request goes again on a new
   * connection to the same endpoint, and the first try stops counting. Had it been missed, the
   * endpoint would count one in flight for good and never be chosen again.
   */
  @Test
  void aRequestResentAfterAStaleConnectionCountsOnce() throws Exception {
    start(TestBackend.closesReusedConnections(), Duration.ofSeconds(5));
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 20 && held.connectionsAccepted() < 2; i++) {
        backend(c, "/" + i);
      }
      assertThat(held.connectionsAccepted()).as("a resend on a new connection").isEqualTo(2);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(backend(c, "/after/" + i));
      }
      assertThat(seen).containsExactlyInAnyOrder("held", "free");
    }
  }

  /**
   * A try whose client left, and a try that timed out (then the request went to the other
   * endpoint), each stop counting: the silent endpoint is chosen again each time. Had either end
   * been missed, it would count one in flight for good and never be chosen again.
   */
  @Test
  void aClientGoneAndATimeoutEachEndTheirTry() throws Exception {
    start(TestBackend.silent(), Duration.ofMillis(300));
    try (RawHttpConnection gone = proxy.connect()) {
      gone.send("GET /gone HTTP/1.1\r\nHost: app.test\r\n\r\n");
      await().atMost(WAIT).until(() -> held.requests() == 1);
    }
    try (RawHttpConnection c = proxy.connect()) {
      for (int expected = 2; expected <= 3; expected++) {
        int want = expected;
        // Each request is answered by the free endpoint: at once, or after the silent one's
        // read timeout (proxy-next-upstream's timeout); until the silent one got its next.
        await().atMost(WAIT).until(() -> {
          assertThat(backend(c, "/next")).isEqualTo("free");
          return held.requests() >= want;
        });
      }
    }
  }
}
