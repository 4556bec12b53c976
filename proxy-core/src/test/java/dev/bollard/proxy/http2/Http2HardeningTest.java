package dev.bollard.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.config.Http2Settings;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.H2Client;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawH2Connection;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.tls.EdgeTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile HTTP/2 clients, frames written by hand: each attack ends with the connection closed
 * ({@code GOAWAY}) or the stream refused, while what the proxy holds stays bounded, and the proxy
 * serves a well-behaved connection right after.
 */
class Http2HardeningTest {

  private static final int TEN_MB = 10 * 1024 * 1024;

  private final CurrentRoutes routes = new CurrentRoutes();
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private TestBackend echo;
  private TestBackend gated;
  private TestBackend source;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    gated = TestBackend.start("gated", TestBackend.gated(gate, "late"));
    source = TestBackend.start("source", TestBackend.streaming(TEN_MB));
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
    publish(s -> s);
  }

  @AfterEach
  void stop() {
    gate.complete(null);
    if (server != null) {
      server.close();
    }
    for (TestBackend b : new TestBackend[] {echo, gated, source}) {
      if (b != null) {
        b.close();
      }
    }
  }

  private void publish(UnaryOperator<GlobalSettings.Builder> change) {
    RoutingSnapshot snapshot = Snapshots.of(
        Snapshots.host("shop.test", Snapshots.backend("web/echo:80", echo)),
        Snapshots.host("gated.test", Snapshots.backend("web/gated:80", gated)),
        Snapshots.host("down.test", Snapshots.backend("web/source:80", source)));
    routes.publish(snapshot.withSettings(change.apply(snapshot.settings().toBuilder()).build()));
  }

  private static Http2Headers get(String host, String path) {
    return H2Client.headers("GET", host, path);
  }

  /** A well-behaved client is served: the proxy survived what came before. */
  private void stillServes() throws Exception {
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      assertThat(client.get("shop.test", "/after").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(200);
    }
  }

  /**
   * Closed by the proxy. Its GOAWAY may not be seen: a client still sending when the proxy closes
   * gets a TCP reset, which can discard what it had not read yet.
   */
  private static void assertClosed(RawH2Connection raw) throws Exception {
    raw.closed().get(20, TimeUnit.SECONDS);
    assertThat(raw.isOpen()).isFalse();
  }

  @Test
  void rapidResetIsCutOffWithEnhanceYourCalm() throws Exception {
    int attempts = 1_000;
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < attempts && raw.isOpen(); i++) {
        int stream = 2 * i + 1;
        raw.headers(stream, get("shop.test", "/reset/" + i), true);
        raw.reset(stream, RawH2Connection.CANCEL);
        if (i % 20 == 19) {
          raw.flush();
        }
      }
      raw.flush();
      assertClosed(raw);
      if (raw.goAway().isDone()) {
        assertThat(raw.goAway().get().errorCode()).isEqualTo(RawH2Connection.ENHANCE_YOUR_CALM);
      }
    }
    // Bounded: the connection went after Netty's window of resets, not after all of them.
    assertThat(echo.requests()).isLessThan(attempts);
    stillServes();
  }

  @Test
  void aContinuationFloodClosesTheConnection() throws Exception {
    // Many small CONTINUATION frames (CVE-2024-27316's shape).
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.frame(RawH2Connection.HEADERS, 0, 1, raw.block(1, get("shop.test", "/")));
      for (int i = 0; i < 10_000 && raw.isOpen(); i++) {
        raw.frame(RawH2Connection.CONTINUATION, 0, 1, Unpooled.wrappedBuffer(new byte[] {0x40}));
        if (i % 500 == 499) {
          raw.flush();
        }
      }
      raw.flush();
      assertClosed(raw);
    }
    // Large CONTINUATION frames that never end the block: bounded by the header list size.
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.frame(RawH2Connection.HEADERS, 0, 1, raw.block(1, get("shop.test", "/")));
      for (int i = 0; i < 1_000 && raw.isOpen(); i++) {
        raw.frame(RawH2Connection.CONTINUATION, 0, 1, Unpooled.wrappedBuffer(new byte[16_000]));
        raw.flush();
      }
      assertClosed(raw);
    }
    assertThat(echo.requests()).isZero();
    stillServes();
  }

  @Test
  @org.junit.jupiter.api.Disabled("Open (issue 18): with a client that truly reads nothing (RawH2Connection's"
      + " read gate; before it, SslHandler kept reading partial records, so the flood was answered"
      + " and the test passed or failed by timing), a SETTINGS flood of 3M frames sometimes leaves"
      + " the connection open with no GOAWAY and about 170k answers sent: the control-frame limit"
      + " did not trip. Whether the proxy then stops reading (bounded) or queues (not) is not"
      + " established yet.")
  void settingsAndPingFloodsFromAClientThatDoesNotReadCloseTheConnection() throws Exception {
    for (int type : new int[] {RawH2Connection.SETTINGS, RawH2Connection.PING}) {
      try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", false)) {
        // Every frame asks for an answer that the client never reads: the answers pile up on the
        // proxy until the queued control frame limit closes the connection.
        long sent = 0;
        while (raw.isOpen() && sent < 3_000_000) {
          ChannelFuture last = null;
          for (int i = 0; i < 5_000; i++) {
            last = raw.frame(type, 0, 0,
                type == RawH2Connection.PING ? Unpooled.buffer(8).writeLong(sent + i)
                    : Unpooled.EMPTY_BUFFER);
          }
          raw.flush();
          sent += 5_000;
          last.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        // The proxy's close (a FIN behind the answers it could still send) shows once this client
        // reads; a proxy that kept the connection open leaves it open, and the wait fails.
        raw.startReading();
        raw.closed().get(30, TimeUnit.SECONDS);
        assertThat(sent).as("frames sent before the proxy closed").isLessThan(3_000_000);
      }
    }
    stillServes();
  }

  @Test
  void emptyDataFramesWithoutEndCloseTheConnection() throws Exception {
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.headers(1, H2Client.headers("POST", "shop.test", "/upload"), false);
      for (int i = 0; i < 100 && raw.isOpen(); i++) {
        raw.frame(RawH2Connection.DATA, 0, 1, Unpooled.EMPTY_BUFFER);
        raw.flush();
      }
      assertClosed(raw);
    }
    stillServes();
  }

  @Test
  void aPriorityFloodHoldsNothingAndTheConnectionServesOn() throws Exception {
    int frames = 100_000;
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < frames; i++) {
        ByteBuf priority = Unpooled.buffer(5).writeInt(2 * i + 1).writeByte(200);
        raw.frame(RawH2Connection.PRIORITY, 0, 2 * i + 3, priority);
        if (i % 5_000 == 4_999) {
          raw.flush();
        }
      }
      raw.flush();
      int stream = 2 * frames + 5;
      raw.headers(stream, get("shop.test", "/after-priorities"), true);
      raw.flush();
      assertThat(raw.head(stream).get(20, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
      assertThat(raw.isOpen()).isTrue();
    }
  }

  @Test
  void anOversizedHeaderListIsAnswered431AndAFarLargerOneClosesTheConnection() throws Exception {
    int limit = ProxyFixture.testSettings().maxHeaderBytes();
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.headers(1, get("shop.test", "/").add("x-big", "a".repeat(limit + 100)), true);
      raw.flush();
      assertThat(raw.head(1).get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("431");
    }
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.headers(1, get("shop.test", "/").add("x-big", "a".repeat(limit * 4)), true);
      raw.flush();
      assertClosed(raw);
    }
    assertThat(echo.requests()).isZero();
    // http2-max-field-size: one field over it is 431, even far under the list's limit.
    publish(s -> s.http2(new Http2Settings(true, 128, 4096, 0, 0)));
    try (H2Client client = H2Client.connect(server.httpsPort(), "shop.test")) {
      H2Client.Response big = client.send(get("shop.test", "/").add("x-field", "b".repeat(5000)),
          null).get(10, TimeUnit.SECONDS);
      assertThat(big.status()).isEqualTo(431);
      assertThat(client.send(get("shop.test", "/").add("x-field", "b".repeat(3000)), null)
          .get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void streamsOverTheConcurrencyLimitAreRefused() throws Exception {
    publish(s -> s.http2(new Http2Settings(true, 2, 0, 0, 0)));
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "gated.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      raw.headers(1, get("gated.test", "/1"), true);
      raw.headers(3, get("gated.test", "/2"), true);
      raw.headers(5, get("gated.test", "/3"), true);
      raw.flush();
      assertThat(raw.reset(5).get(10, TimeUnit.SECONDS).errorCode())
          .isEqualTo(RawH2Connection.REFUSED_STREAM);
      gate.complete(null);
      assertThat(raw.head(1).get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
      assertThat(raw.head(3).get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
      assertThat(raw.isOpen()).isTrue();
    }
    assertThat(gated.requests()).isEqualTo(2);
  }

  @Test
  void aFlowControlWindowThatNeverOpensTimesOutLikeASlowReader() throws Exception {
    Timeouts t = ProxyFixture.TEST_TIMEOUTS;
    publish(s -> s.timeouts(new Timeouts(t.connect(), t.read(), t.send(), t.clientHeader(),
        t.keepAlive(), t.clientBody(), Duration.ofSeconds(1))));
    // SETTINGS_INITIAL_WINDOW_SIZE 0: the proxy may send the head, never a byte of the body.
    try (RawH2Connection raw =
        RawH2Connection.open(server.httpsPort(), "down.test", true, 0x4, 0)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      raw.headers(1, get("down.test", "/blob"), true);
      raw.flush();
      assertThat(raw.head(1).get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
      assertThat(raw.reset(1).get(15, TimeUnit.SECONDS).errorCode())
          .isEqualTo(RawH2Connection.CANCEL);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
      // The stream went; the connection serves on.
      raw.headers(3, get("shop.test", "/next"), true);
      raw.flush();
      assertThat(raw.head(3).get(10, TimeUnit.SECONDS).status().toString()).isEqualTo("200");
    }
  }

  @Test
  void theConnectionWindowIsWidenedToOneMebibyteAndNoFurther() throws Exception {
    try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", true)) {
      raw.serverSettings().get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.frames().stream()
          .anyMatch(f -> f.type() == RawH2Connection.WINDOW_UPDATE && f.streamId() == 0));
      long increments = raw.frames().stream()
          .filter(f -> f.type() == RawH2Connection.WINDOW_UPDATE && f.streamId() == 0)
          .mapToLong(f -> java.nio.ByteBuffer.wrap(f.payload()).getInt() & 0x7fffffffL).sum();
      assertThat(65_535 + increments).isEqualTo(1 << 20);
    }
  }
}
