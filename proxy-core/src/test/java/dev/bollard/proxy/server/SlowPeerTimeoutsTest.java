package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.step.RequestBuffering;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow and broken peers on either side: a client that stops sending its body
 * ({@code client-body-timeout}, 408), one that stops reading its response (the client send
 * timeout: the connection closes), an upstream that stops taking the request
 * ({@code proxy-send-timeout}, 504), a request body that turns out malformed (400), and the
 * answers given with request bytes still arriving (413, 408, 400) reaching the client before an
 * orderly close rather than being destroyed by a reset.
 */
class SlowPeerTimeoutsTest {

  private static final Duration CLIENT_BODY = Duration.ofMillis(400);
  private static final Duration CLIENT_SEND = Duration.ofMillis(500);
  private static final Duration UPSTREAM_SEND = Duration.ofMillis(500);
  private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2),
      Duration.ofSeconds(5), UPSTREAM_SEND, Duration.ofSeconds(60), Duration.ofSeconds(75),
      CLIENT_BODY, CLIENT_SEND);
  private static final long MAX_BODY = 64L << 20;

  private final CurrentRoutes routes = new CurrentRoutes();
  private final List<RequestFacts> logged = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private TestBackend buffered;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    buffered = TestBackend.start("buffered", TestBackend.echo());
    closeLater.add(buffered);
    proxy = ProxyServer.start(ProxyFixture.testSettings(), routes,
        new RequestTelemetry(logged::add, null));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  /** Publishes {@code buffered.test} (buffering on) and {@code streamed.test} (off) to it. */
  private void publish(Endpoint streamed) {
    publish(streamed, 1L << 20);
  }

  private void publish(Endpoint streamed, long maxBody) {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    Route streaming = new Route(new PathMatch.Prefix("/"),
        new Backend("test/streamed:80", List.of(streamed)),
        RouteSource.ingress("test", "streamed")).withFeatures(List.of(new RequestBuffering(false)));
    routes.publish(Snapshots.of(
            Snapshots.host("buffered.test", backend("test/buffered:80", buffered)),
            new VirtualHost("streamed.test", List.of(streaming)))
        .withSettings(new GlobalSettings(maxBody, TIMEOUTS, false, List.of(), false, d.hsts(),
            true, d.auth(), d.edge(), new BodyBuffering(true, 8192, MAX_BODY))));
  }

  private TestBackend streamedBackend(TestBackend.Behaviour behaviour) throws Exception {
    TestBackend b = TestBackend.start("streamed", behaviour);
    closeLater.add(b);
    publish(b.endpoint());
    return b;
  }

  private RawHttpConnection connect() throws IOException {
    return RawHttpConnection.open(proxy.port());
  }

  private RequestFacts logLine(int index) {
    await().atMost(Duration.ofSeconds(5)).until(() -> logged.size() > index);
    return logged.get(index);
  }

  // ---- client-body-timeout ------------------------------------------------------------------

  @Test
  void aBufferedBodyThatStallsGets408AndNeverReachesTheBackend() throws Exception {
    streamedBackend(TestBackend.echo());
    try (RawHttpConnection c = connect()) {
      c.send("POST /slow HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: 100\r\n\r\n"
          + "x".repeat(10));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    assertThat(logLine(0).status()).isEqualTo(408);
    assertThat(buffered.connectionsAccepted()).isZero();
  }

  @Test
  void aStreamedBodyThatStallsGets408AndItsUpstreamConnectionIsClosed() throws Exception {
    TestBackend silent = streamedBackend(TestBackend.silent());
    try (RawHttpConnection c = connect()) {
      c.send("POST /slow HTTP/1.1\r\nHost: streamed.test\r\nContent-Length: 100\r\n\r\n"
          + "x".repeat(10));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    assertThat(logLine(0).status()).isEqualTo(408);
    assertThat(silent.connectionsAccepted()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> silent.openConnections() == 0);
  }

  @Test
  void aBodyThatStallsWhileTheProxyAnswersItselfGets408() throws Exception {
    streamedBackend(TestBackend.echo());
    try (RawHttpConnection c = connect()) {
      // No route for this host: the 404 waits for the body's end, which never comes.
      c.send("POST /slow HTTP/1.1\r\nHost: nowhere.test\r\nContent-Length: 100\r\n\r\n"
          + "x".repeat(10));
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    assertThat(logLine(0).status()).isEqualTo(408);
  }

  @Test
  void aPipelinedBodyThatStallsGets408AfterTheFirstResponse() throws Exception {
    streamedBackend(TestBackend.echo());
    try (RawHttpConnection c = connect()) {
      c.send("POST /one HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: 3\r\n\r\nabc"
          + "POST /two HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: 100\r\n\r\n"
          + "x".repeat(10));
      assertThat(c.read().status()).isEqualTo(200);
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> logged.size() == 2);
    assertThat(logged).extracting(RequestFacts::status).containsExactly(200, 408);
    assertThat(buffered.requests()).isEqualTo(1);
  }

  @Test
  void aBodyThatKeepsComingIsNotCutEvenWhenItTakesLongerThanTheTimeout() throws Exception {
    streamedBackend(TestBackend.echo());
    try (RawHttpConnection c = connect()) {
      c.send("POST /slow HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: 10\r\n\r\n");
      long started = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        // A slow client's pace, not a wait for a condition: each pause is under the timeout.
        Thread.sleep(CLIENT_BODY.toMillis() / 4);
        c.send("x");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(CLIENT_BODY);
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).endsWith("\n\n" + "x".repeat(10));
    }
  }

  // ---- the send timeout to clients ----------------------------------------------------------

  @Test
  void aClientThatStopsReadingIsCutOffAndTheUpstreamConnectionDiscarded() throws Exception {
    long length = 64L << 20;
    TestBackend big = streamedBackend(TestBackend.streaming(length));
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
      s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: streamed.test\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      // Reads nothing: the proxy must give up on this client.
      RequestFacts line = logLine(0);
      assertThat(line.status()).isEqualTo(200);
      assertThat(line.responseComplete()).isFalse();
      assertThat(line.bodyBytesSent()).isLessThan(length);
      await().atMost(Duration.ofSeconds(5)).until(() -> big.openConnections() == 0);
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      long read = 0;
      try {
        for (int n; (n = in.read(new byte[65536])) >= 0; ) {
          read += n;
        }
      } catch (IOException e) {
        // a reset ends it as well
      }
      assertThat(read).isLessThan(length);
    }
  }

  // ---- proxy-send-timeout ---------------------------------------------------------------------

  /** An upstream that accepts connections and never reads from them. */
  private ServerSocket deafUpstream() throws IOException {
    ServerSocket deaf = new ServerSocket();
    deaf.setReceiveBufferSize(4096);
    deaf.bind(new InetSocketAddress("127.0.0.1", 0));
    closeLater.add(deaf);
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    closeLater.add(() -> {
      for (Socket s : accepted) {
        s.close();
      }
    });
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(deaf.accept());
        }
      } catch (IOException e) {
        // closed
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return deaf;
  }

  @Test
  void aStreamedBodyTheUpstreamDoesNotTakeGets504BeforeTheReadTimeout() throws Exception {
    ServerSocket deaf = deafUpstream();
    publish(new Endpoint("127.0.0.1", deaf.getLocalPort()), MAX_BODY);
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      int length = 32 << 20;
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          out.write(("POST /up HTTP/1.1\r\nHost: streamed.test\r\nContent-Length: " + length
              + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          byte[] piece = new byte[64 * 1024];
          for (int sent = 0; sent < length; sent += piece.length) {
            out.write(piece);
          }
        } catch (IOException e) {
          // the proxy gave up on the request
        }
      });
      long started = System.nanoTime();
      String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 504 ");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(TIMEOUTS.read().minusSeconds(1));
      sending.join();
    }
    assertThat(logLine(0).status()).isEqualTo(504);
  }

  @Test
  void aBufferedBodyTheUpstreamDoesNotTakeGets504BeforeTheReadTimeout() throws Exception {
    ServerSocket deaf = deafUpstream();
    publish(new Endpoint("127.0.0.1", deaf.getLocalPort()));
    streamedBackend(TestBackend.echo());
    // buffered.test now goes to the deaf upstream
    GlobalSettings d = GlobalSettings.DEFAULTS;
    routes.publish(Snapshots.of(Snapshots.host("buffered.test",
            new Backend("test/deaf:80", List.of(new Endpoint("127.0.0.1", deaf.getLocalPort())))))
        .withSettings(new GlobalSettings(MAX_BODY, TIMEOUTS, false, List.of(), false, d.hsts(),
            true, d.auth(), d.edge(), new BodyBuffering(true, 8192, MAX_BODY))));
    try (RawHttpConnection c = connect()) {
      int length = 24 << 20;
      c.send("POST /up HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: " + length
          + "\r\n\r\n");
      byte[] piece = new byte[64 * 1024];
      for (int sent = 0; sent < length; sent += piece.length) {
        c.send(piece);
      }
      long started = System.nanoTime();
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(504);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(TIMEOUTS.read().minusSeconds(1));
    }
    assertThat(logLine(0).status()).isEqualTo(504);
  }

  // ---- bad request bodies ---------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"5\nhello\r\n0\r\n\r\n", "5\r\nhelloXX\r\n0\r\n\r\n",
      "zz\r\nhello\r\n0\r\n\r\n"})
  void aMalformedBufferedBodyGets400AndNeverReachesTheBackend(String body) throws Exception {
    streamedBackend(TestBackend.echo());
    try (RawHttpConnection c = connect()) {
      c.send("POST /bad HTTP/1.1\r\nHost: buffered.test\r\nTransfer-Encoding: chunked\r\n"
          + "Expect: 100-continue\r\n\r\n");
      // The 100 Continue proves the head went past the validator to the proxy.
      assertThat(c.read().status()).isEqualTo(100);
      c.send("3\r\nabc\r\n" + body);
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    assertThat(logLine(0).status()).isEqualTo(400);
    assertThat(buffered.connectionsAccepted()).isZero();
  }

  @Test
  void aMalformedStreamedBodyGets400WhenNoResponseStarted() throws Exception {
    TestBackend silent = streamedBackend(TestBackend.silent());
    try (RawHttpConnection c = connect()) {
      c.send("POST /bad HTTP/1.1\r\nHost: streamed.test\r\nTransfer-Encoding: chunked\r\n"
          + "Expect: 100-continue\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      c.send("3\r\nabc\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> silent.requests() == 1);
      c.send("5\nhello\r\n0\r\n\r\n");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.isClosedByPeer()).isTrue();
    }
    assertThat(logLine(0).status()).isEqualTo(400);
    await().atMost(Duration.ofSeconds(5)).until(() -> silent.openConnections() == 0);
  }

  // ---- answers with request bytes still arriving ----------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"Content-Length: 16777216", "Transfer-Encoding: chunked"})
  void a413IsReadBeforeAnOrderlyClose(String framing) throws Exception {
    streamedBackend(TestBackend.echo());
    boolean chunked = framing.startsWith("Transfer");
    byte[] filler = new byte[64 * 1024];
    Arrays.fill(filler, (byte) 'a');
    byte[] chunkHead = (Integer.toHexString(filler.length) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
    CompletableFuture<Void> sending;
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      // Keeps sending the body while the answer is read: the proxy answers with bytes of it
      // still unread.
      sending = CompletableFuture.runAsync(() -> {
        try {
          out.write(("POST /big HTTP/1.1\r\nHost: buffered.test\r\n" + framing + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 256; i++) {
            if (chunked) {
              out.write(chunkHead);
            }
            out.write(filler);
            if (chunked) {
              out.write(crlf);
            }
          }
        } catch (IOException e) {
          // the proxy stopped reading: expected once it has answered
        }
      });
      String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // The whole answer, then an orderly end of stream, not a reset.
      assertThat(text).startsWith("HTTP/1.1 413 ").contains("\r\n\r\n");
    }
    sending.join();
    assertThat(logLine(0).status()).isEqualTo(413);
    assertThat(buffered.connectionsAccepted()).isZero();
  }
}
