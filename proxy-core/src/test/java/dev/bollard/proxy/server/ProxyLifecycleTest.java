package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snapshot swaps, pool draining, client timeouts and graceful shutdown. */
class ProxyLifecycleTest {

  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private TestBackend slow;
  private TestBackend fast;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    slow = TestBackend.start("slow", TestBackend.gated(gate, "finally"));
    fast = TestBackend.start("fast", TestBackend.echo());
    proxy = ProxyFixture.start().timeouts(new Timeouts(Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMillis(300),
        Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(60)));
    proxy.publish(Snapshots.of(
        host("slow.test", backend("test/slow:80", slow)),
        host("fast.test", backend("test/fast:80", fast))));
  }

  @AfterEach
  void stop() {
    gate.complete(null);
    proxy.close();
    slow.close();
    fast.close();
  }

  @Test
  void aRequestKeepsTheSnapshotItArrivedWith() throws Exception {
    try (RawHttpConnection inFlight = proxy.connect()) {
      inFlight.get("slow.test", "/");
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests() == 1);

      proxy.publish(Snapshots.of(host("slow.test", backend("test/fast:80", fast))));
      try (RawHttpConnection later = proxy.connect()) {
        assertThat(later.get("slow.test", "/").read().header("x-backend")).isEqualTo("fast");
      }

      gate.complete(null);
      RawResponse r = inFlight.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-backend")).isEqualTo("slow");
    }
  }

  @Test
  void pooledConnectionsOfARemovedBackendClose() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get("fast.test", "/").read().status()).isEqualTo(200);
    }
    assertThat(fast.openConnections()).isEqualTo(1);

    proxy.publish(Snapshots.of(host("slow.test", backend("test/slow:80", slow))));
    await().atMost(Duration.ofSeconds(5)).until(() -> fast.openConnections() == 0);
  }

  @Test
  void aClientsConnectionCloseKeepsThePooledUpstreamConnection() throws Exception {
    // One event loop: one upstream pool, so every client connection can reuse the same upstream.
    try (TestBackend b = TestBackend.start("b", TestBackend.echo());
        ProxyFixture p = ProxyFixture.start(s -> new ServerSettings(s.bind(), 1,
            s.maxHeaderBytes(), s.maxUriBytes(), s.maxHeaderCount(), s.shutdownGrace(),
            s.upstreamIdleTimeout()))) {
      p.publish(Snapshots.of(host("b.test", backend("test/b:80", b))));
      for (int i = 0; i < 3; i++) {
        try (RawHttpConnection c = p.connect()) {
          c.send("GET / HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n");
          RawResponse r = c.read();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.header("connection")).isEqualToIgnoringCase("close");
          assertThat(c.isClosedByPeer()).isTrue();
        }
      }
      // The client's close ends the client connection only: one upstream connection served all
      // three requests and is still open in the pool.
      assertThat(b.requests()).isEqualTo(3);
      assertThat(b.connectionsAccepted()).isEqualTo(1);
      assertThat(b.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void idlePooledConnectionsCloseAfterTheIdleTimeout() throws Exception {
    try (TestBackend b = TestBackend.start("b", TestBackend.echo());
        ProxyFixture p = ProxyFixture.start(s ->
            new ServerSettings(s.bind(), s.ioThreads(), s.maxHeaderBytes(), s.maxUriBytes(),
                s.maxHeaderCount(), s.shutdownGrace(), Duration.ofMillis(200)))) {
      p.publish(Snapshots.of(host("b.test", backend("test/b:80", b))));
      try (RawHttpConnection c = p.connect()) {
        assertThat(c.get("b.test", "/").read().status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.openConnections() == 0);
      }
    }
  }

  @Test
  void incompleteRequestHeadGets408() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("GET / HTTP/1.1\r\nHost: fast.test\r\n");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void idleKeepAliveConnectionCloses() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(c.get("fast.test", "/").read().status()).isEqualTo(200);
      long start = System.nanoTime();
      assertThat(c.isClosedByPeer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void eachConnectionOfALoopTimesOutOnItsOwnTerms() throws Exception {
    // The timers of a loop's connections share one sweep: each must still get its own outcome.
    try (RawHttpConnection fresh = proxy.connect();
        RawHttpConnection partial = proxy.connect();
        RawHttpConnection busy = proxy.connect();
        RawHttpConnection keptAlive = proxy.connect()) {
      assertThat(keptAlive.get("fast.test", "/").read().status()).isEqualTo(200);
      busy.get("slow.test", "/");
      partial.send("GET / HTTP/1.1\r\nHost: fast.test\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests() == 1);

      long start = System.nanoTime();
      assertThat(partial.read().status()).isEqualTo(408);
      assertThat(partial.isClosedByPeer()).isTrue();
      assertThat(fresh.isClosedByPeer()).isTrue();
      assertThat(keptAlive.isClosedByPeer()).isTrue();
      // Closed by the timeouts (300 ms), not by the reads giving up (10 s).
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      // Busy past every client timeout: only upstream timeouts apply to it.
      gate.complete(null);
      assertThat(busy.read().status()).isEqualTo(200);
    }
  }

  @Test
  void slowRequestIsNotCutByClientTimeouts() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.get("slow.test", "/");
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests() == 1);
      // Longer than both client timeouts: the request is in flight, so neither applies.
      CompletableFuture.runAsync(() -> gate.complete(null),
          CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void gracefulShutdownFinishesInFlightRequestsAndRefusesNewConnections() throws Exception {
    try (RawHttpConnection inFlight = proxy.connect(); RawHttpConnection idle = proxy.connect()) {
      assertThat(idle.get("fast.test", "/").read().status()).isEqualTo(200);
      inFlight.get("slow.test", "/");
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests() == 1);

      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> {
        try {
          proxy.server().shutdownGracefully(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThatThrownBy(() -> proxy.connect().close())
              .hasRootCauseInstanceOf(ConnectException.class));
      assertThat(idle.isClosedByPeer()).isTrue();
      assertThat(shutdown).isNotDone();

      gate.complete(null);
      RawResponse r = inFlight.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("finally");
      assertThat(r.header("connection")).isEqualTo("close");
      shutdown.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void shutdownCutsRequestsStillRunningAtTheDeadline() throws Exception {
    try (RawHttpConnection inFlight = proxy.connect()) {
      inFlight.get("slow.test", "/");
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests() == 1);

      proxy.server().shutdownGracefully(Duration.ofMillis(200));

      assertThatThrownBy(inFlight::read).isInstanceOf(IOException.class);
    }
  }
}
