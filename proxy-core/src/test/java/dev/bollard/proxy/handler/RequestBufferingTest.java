package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.RequestBuffering;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request buffering ({@code proxy-request-buffering}): a body is read whole, in memory up to
 * {@code client-body-buffer-size} and in a temporary file beyond, before any upstream connection
 * is taken; a route can turn it off and stream.
 */
class RequestBufferingTest {

  private static final int MEMORY = 1024;
  private static final long MAX_BODY = 8L * 1024 * 1024;

  private TestBackend echo;
  private TestBackend sink;
  private TestBackend streamed;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    sink = TestBackend.start("sink", TestBackend.countingSink());
    streamed = TestBackend.start("streamed", TestBackend.echo());
    proxy = ProxyFixture.start();
    Route streaming = new Route(new PathMatch.Prefix("/"), backend("test/streamed:80", streamed),
        RouteSource.ingress("test", "streamed")).withFeatures(List.of(new RequestBuffering(false)));
    proxy.publish(Snapshots.of(
        Snapshots.host("echo.test", backend("test/echo:80", echo)),
        Snapshots.host("sink.test", backend("test/sink:80", sink)),
        new VirtualHost("streamed.test", List.of(streaming))).withSettings(settings(MAX_BODY)));
  }

  private static GlobalSettings settings(long maxBody) {
    return settings(maxBody, 32L << 20);
  }

  private static GlobalSettings settings(long maxBody, long fileSpace) {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    return new GlobalSettings(maxBody, ProxyFixture.TEST_TIMEOUTS, false, List.of(), false,
        d.hsts(), true, d.auth(), d.edge(), new BodyBuffering(true, MEMORY, fileSpace));
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
    sink.close();
    streamed.close();
  }

  @Test
  void aSlowBodyTakesNoUpstreamConnectionUntilItIsComplete() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      // Expect: the 100 Continue proves the proxy routed the request and chose what to do.
      c.send("POST /slow HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 100\r\n"
          + "Expect: 100-continue\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      c.send("x".repeat(10));
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(() -> echo.connectionsAccepted() == 0);

      c.send("y".repeat(90));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).endsWith("\n\n" + "x".repeat(10) + "y".repeat(90));
      assertThat(echo.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void aClientThatLeavesMidBodyNeverReachesTheBackend() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /slow HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 100\r\n"
          + "Expect: 100-continue\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      c.send("x".repeat(10));
    }
    // Then a complete request on the same route does reach it, so the route works.
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST / HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(c.read().status()).isEqualTo(200);
    }
    assertThat(echo.requests()).isEqualTo(1);
  }

  @Test
  void aChunkedBodyLargerThanMemoryIsSpooledAndSentWithItsLength() throws Exception {
    AtomicReference<HttpRequest> head = new AtomicReference<>();
    try (TestBackend recorder = TestBackend.start("recorder", recordingHeads(head))) {
      proxy.publish(Snapshots.of(
          Snapshots.host("recorder.test", backend("test/recorder:80", recorder)))
          .withSettings(settings(MAX_BODY)));
      String body = pattern(100 * 1024);
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(StandardCharsets.US_ASCII));
      try (RawHttpConnection c = proxy.connect()) {
        c.send("POST /upload HTTP/1.1\r\nHost: recorder.test\r\nTransfer-Encoding: chunked"
            + "\r\n\r\n");
        for (int at = 0; at < body.length(); at += 4096) {
          String piece = body.substring(at, Math.min(body.length(), at + 4096));
          c.send(Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
        }
        c.send("0\r\n\r\n");
        RawResponse r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("received " + body.length() + " crc " + crc.getValue());
      }
      HttpHeaders upstream = head.get().headers();
      assertThat(upstream.get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("" + body.length());
      assertThat(upstream.contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    }
  }

  @Test
  void aLargeBodyArrivesWholeAndKeepAliveGoesOn() throws Exception {
    int length = 4 * 1024 * 1024;
    byte[] chunk = new byte[64 * 1024];
    CRC32 crc = new CRC32();
    try (RawHttpConnection c = proxy.connect()) {
      for (int round = 0; round < 2; round++) {
        crc.reset();
        c.send("POST /upload HTTP/1.1\r\nHost: sink.test\r\nContent-Length: " + length
            + "\r\n\r\n");
        OutputStream out = c.output();
        for (int sent = 0; sent < length; sent += chunk.length) {
          for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) ((sent + i + round) % 251);
          }
          crc.update(chunk);
          out.write(chunk);
        }
        out.flush();
        RawResponse r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("received " + length + " crc " + crc.getValue());
      }
    }
    assertThat(sink.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void aChunkedBodyPastProxyBodySizeGets413WithoutTouchingTheBackend() throws Exception {
    proxy.publish(Snapshots.of(Snapshots.host("sink.test", backend("test/sink:80", sink)))
        .withSettings(settings(64 * 1024)));
    String piece = "4000\r\n" + "z".repeat(0x4000) + "\r\n";
    try (RawHttpConnection c = proxy.connect()) {
      // 80 KiB, the last piece past the limit; the end of the body never comes.
      c.send("POST /big HTTP/1.1\r\nHost: sink.test\r\nTransfer-Encoding: chunked\r\n\r\n"
          + piece.repeat(5));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(413);
    }
    assertThat(sink.connectionsAccepted()).isZero();
  }

  @Test
  void theFilesOfAllBufferedBodiesShareOneBound() throws Exception {
    proxy.publish(Snapshots.of(Snapshots.host("sink.test", backend("test/sink:80", sink)))
        .withSettings(settings(MAX_BODY, 64 * 1024)));
    String piece = "4000\r\n" + "z".repeat(0x4000) + "\r\n";
    String head = "POST /up HTTP/1.1\r\nHost: sink.test\r\nTransfer-Encoding: chunked\r\n\r\n";
    try (RawHttpConnection first = proxy.connect(); RawHttpConnection second = proxy.connect()) {
      // 48 KiB of the first body in its file, the body not complete yet.
      first.send(head + piece.repeat(3));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> proxy.server().bodyFiles().inUse() >= 3 * 0x4000 - MEMORY);
      // The second needs 32 KiB more than is left: 503, and no backend saw either.
      second.send(head + piece.repeat(2));
      assertThat(second.read().status()).isEqualTo(503);
      assertThat(sink.connectionsAccepted()).isZero();

      first.send("0\r\n\r\n");
      RawResponse r = first.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).startsWith("received " + 3 * 0x4000 + " ");
    }
    // The file was sent and closed: its space is free again.
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.server().bodyFiles().inUse() == 0);
    try (RawHttpConnection c = proxy.connect()) {
      c.send(head + piece.repeat(3) + "0\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void aBodyThatArrivesWhileThePasswordIsCheckedIsBufferedToo() throws Exception {
    // bcrypt: the check runs off the event loop, so the body waits in a StepWait first.
    BasicAuthPolicy policy = BasicAuthPolicy.of("Ingress test/guarded", "Guarded", Htpasswd.parse(
        "alice:$2y$05$DWsMbEuYbykCm9hC6qzU4.HX9o/pe5madct8nMth79DlvRnF3L/L2\n", "test"));
    Route guarded = new Route(new PathMatch.Prefix("/"), backend("test/echo:80", echo),
        RouteSource.ingress("test", "guarded"), policy);
    proxy.publish(Snapshots.of(new VirtualHost("guarded.test", List.of(guarded)))
        .withSettings(settings(MAX_BODY)));
    String authorization = "Basic " + Base64.getEncoder()
        .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    String body = pattern(20 * 1024);
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /form HTTP/1.1\r\nHost: guarded.test\r\nAuthorization: " + authorization
          + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 3000));
      c.send(body.substring(3000));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).endsWith("\n\n" + body);
    }
  }

  @Test
  void aRouteWithBufferingOffStreamsTheBodyAsItArrives() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /slow HTTP/1.1\r\nHost: streamed.test\r\nContent-Length: 100\r\n\r\n"
          + "x".repeat(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> streamed.connectionsAccepted() == 1);
      c.send("y".repeat(90));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text().toLowerCase()).contains("content-length: 100")
          .endsWith("x".repeat(10) + "y".repeat(90));
    }
  }

  /** Like {@link TestBackend#countingSink()}, and keeps the last request head as it came. */
  private static TestBackend.Behaviour recordingHeads(AtomicReference<HttpRequest> last) {
    TestBackend.Behaviour sink = TestBackend.countingSink();
    return (pipeline, name, requests) -> {
      pipeline.addLast("record", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof HttpRequest request) {
            last.set(request);
          }
          ctx.fireChannelRead(msg);
        }
      });
      sink.configure(pipeline, name, requests);
    };
  }

  private static String pattern(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append((char) ('a' + i % 26));
    }
    return out.toString();
  }
}
