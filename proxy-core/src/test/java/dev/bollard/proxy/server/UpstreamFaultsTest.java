package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.ScriptedBackend;
import dev.bollard.proxy.testing.ScriptedBackend.Answer;
import dev.bollard.proxy.testing.Snapshots;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backends that break HTTP: the client never gets a response that looks whole when it is not, a
 * failure before the response started is a 502 at once, and the upstream connection that broke is
 * never pooled: the next request gets a good answer on a new connection, without waiting.
 */
class UpstreamFaultsTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private final List<RequestFacts> logged = new CopyOnWriteArrayList<>();
  private ScriptedBackend backend;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(Answer... script) throws InterruptedException {
    backend = ScriptedBackend.start(script);
    // One event loop: one upstream pool, so a connection left pooled would serve the next client.
    ServerSettings s = ProxyFixture.testSettings();
    proxy = ProxyServer.start(new ServerSettings(s.bind(), 1, s.maxHeaderBytes(),
        s.maxUriBytes(), s.maxHeaderCount(), s.shutdownGrace(), s.upstreamIdleTimeout()), routes,
        new RequestTelemetry(logged::add, null));
    routes.publish(Snapshots.of(host("app.test",
        new Backend("test/app:80", List.of(backend.endpoint())))));
  }

  private RawHttpConnection connect() throws IOException {
    return RawHttpConnection.open(proxy.port());
  }

  /** The next request, on a new client connection, is served at once by a new connection. */
  private void nextRequestIsServedByAFreshConnection() throws IOException {
    long started = System.nanoTime();
    try (RawHttpConnection c = connect()) {
      RawResponse r = c.get("app.test", "/next").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("fine");
    }
    // The upstream read timeout (60 s) would be the price of a poisoned pooled connection.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(backend.connectionsAccepted()).isEqualTo(2);
  }

  private RequestFacts logLine(int index) {
    await().atMost(Duration.ofSeconds(5)).until(() -> logged.size() > index);
    return logged.get(index);
  }

  @Test
  void aWellFormedResponseLeavesItsConnectionPooled() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n"));
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/good").read().text()).isEqualTo("hello");
    }
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/next").read().text()).isEqualTo("fine");
    }
    // The check the tests below rely on: a reusable connection is reused.
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
    assertThat(logLine(0).responseComplete()).isTrue();
  }

  @Test
  void aResponseToHeadHasNoBodyAndLeavesItsConnectionPooled() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"));
    try (RawHttpConnection c = connect()) {
      RawResponse head = c.send("HEAD /h HTTP/1.1\r\nHost: app.test\r\n\r\n").readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("10");
      assertThat(c.get("app.test", "/next").read().text()).isEqualTo("fine");
    }
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void malformedChunkAbortsTheClientResponseAndIsNeverPooled() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\nZZ\r\nmore\r\n0\r\n\r\n"));
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(
          "GET /bad HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String received = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // The head and the good chunk, then the connection closes without the terminating chunk.
      assertThat(received).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n5\r\nhello\r\n");
    }
    RequestFacts line = logLine(0);
    assertThat(line.status()).isEqualTo(200);
    assertThat(line.responseComplete()).isFalse();
    nextRequestIsServedByAFreshConnection();
    assertThat(logLine(1).responseComplete()).isTrue();
  }

  @Test
  void oversizedTrailersAbortTheClientResponse() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\nX-Trailer: " + "x".repeat(70_000) + "\r\n\r\n"));
    try (RawHttpConnection c = connect()) {
      c.get("app.test", "/bad");
      assertThatThrownBy(c::read).isInstanceOf(EOFException.class);
    }
    assertThat(logLine(0).responseComplete()).isFalse();
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void invalidContentLengthIs502AtOnce() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello"));
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/bad").read().status()).isEqualTo(502);
    }
    assertThat(logLine(0).status()).isEqualTo(502);
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void tooLongResponseHeadIs502AtOnce() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(70_000)
        + "\r\nContent-Length: 2\r\n\r\nok"));
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/bad").read().status()).isEqualTo(502);
    }
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void invalidStatusLineIs502AtOnce() throws Exception {
    start(Answer.of("HTTP/1.1 twohundred OK\r\nContent-Length: 2\r\n\r\nok"));
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/bad").read().status()).isEqualTo(502);
    }
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void earlyCloseMidBodyAbortsTheClientResponse() throws Exception {
    start(Answer.thenClose("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(
          "GET /bad HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String received = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      // Closed short: the client can tell the body is missing five bytes.
      assertThat(received).containsIgnoringCase("content-length: 10").endsWith("\r\n\r\nhello");
    }
    RequestFacts line = logLine(0);
    assertThat(line.status()).isEqualTo(200);
    assertThat(line.responseComplete()).isFalse();
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void earlyCloseMidChunksAbortsTheClientResponse() throws Exception {
    start(Answer.thenClose("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n"));
    try (RawHttpConnection c = connect()) {
      c.get("app.test", "/bad");
      assertThatThrownBy(c::read).isInstanceOf(EOFException.class);
    }
    assertThat(logLine(0).responseComplete()).isFalse();
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void bytesBeyondContentLengthAreNotLeftForTheNextRequest() throws Exception {
    start(Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokay, and more"));
    try (RawHttpConnection c = connect()) {
      RawResponse r = c.get("app.test", "/long").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("ok");
    }
    nextRequestIsServedByAFreshConnection();
  }

  @Test
  void unaskedSwitchingProtocolsIs502AtOnce() throws Exception {
    start(Answer.of("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
        + "Connection: Upgrade\r\n\r\n"));
    long started = System.nanoTime();
    try (RawHttpConnection c = connect()) {
      assertThat(c.get("app.test", "/plain").read().status()).isEqualTo(502);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(logLine(0).status()).isEqualTo(502);
    nextRequestIsServedByAFreshConnection();
  }
}
