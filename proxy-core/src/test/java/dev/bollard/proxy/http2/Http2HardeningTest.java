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

  /**
   * SETTINGS and PING floods from a client that reads nothing at all: every frame asks for an
   * answer, and the answers back up once the proxy's socket send buffer is full. The connection
   * must close on its own (the send timeout stays at the fixture's 60 s, beyond the 30 s the flood
   * lasts at most, so the control-frame limit has to be what closes it) and the proxy's buffers
   * must not grow with the flood. That reading stops meanwhile is {@link Http2ReadPauseTest}'s.
   */
  @Test
  void settingsAndPingFloodsFromAClientThatDoesNotReadCloseTheConnection() throws Exception {
    for (int type : new int[] {RawH2Connection.SETTINGS, RawH2Connection.PING}) {
      try (RawH2Connection raw = RawH2Connection.open(server.httpsPort(), "shop.test", false)) {
        Flood flood = flood(raw, type);
        assertThat(flood.closed()).as("closed by the proxy, frame type " + type).isTrue();
        assertThat(flood.sent()).isLessThan(FLOOD_FRAMES);
        // Bounded: the answers queued at most up to the limit (10,000 frames of 9 or 17 bytes,
        // well under 1 MiB, in TLS records) besides what the kernel holds; a proxy that queued
        // one answer per frame would hold several MiB per 100,000 frames, and the flood sends
        // hundreds of thousands of frames before the proxy stops reading.
        assertThat(flood.directGrowth()).as("direct memory growth in bytes, frame type " + type)
            .isLessThan(16L << 20);
      }
    }
    stillServes();
  }

  private static final int FLOOD_FRAMES = 3_000_000;
  private static final int FLOOD_BATCH = 5_000;

  /** How a flood ended. */
  private record Flood(boolean closed, long sent, long directGrowth) {}

  /**
   * Sends {@code type} frames in batches, the next batch once the last one is written, up to
   * {@link #FLOOD_FRAMES}, until the proxy closes the connection or 30 s pass; watches the direct
   * memory of Netty's default allocator (the proxy's) meanwhile.
   */
  private static Flood flood(RawH2Connection raw, int type) {
    io.netty.buffer.ByteBufAllocatorMetric direct =
        ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
            .metric();
    long base = direct.usedDirectMemory();
    long peak = base;
    long sent = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ChannelFuture last = null;
    while (raw.isOpen() && System.nanoTime() - deadline < 0) {
      if (sent < FLOOD_FRAMES && (last == null || last.isDone())) {
        for (int i = 0; i < FLOOD_BATCH; i++) {
          last = raw.frame(type, 0, 0, type == RawH2Connection.PING
              ? Unpooled.buffer(8).writeLong(sent + i) : Unpooled.EMPTY_BUFFER);
        }
        raw.flush();
        sent += FLOOD_BATCH;
      } else if (!last.isDone()) {
        // The proxy stopped reading, or is slow to: a close fails the write.
        last.awaitUninterruptibly(100, TimeUnit.MILLISECONDS);
      } else {
        raw.closed().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
      }
      peak = Math.max(peak, direct.usedDirectMemory());
    }
    return new Flood(!raw.isOpen(), sent, peak - base);
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
