package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request heads at the edges: absolute-form targets, the number of header fields, and the answer
 * to an oversized request whose bytes are still arriving.
 */
class RequestHeadEdgesTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private final List<RequestFacts> logged = new CopyOnWriteArrayList<>();
  private TestBackend a;
  private TestBackend b;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    a = TestBackend.start("a", TestBackend.echo());
    b = TestBackend.start("b", TestBackend.echo());
    proxy = ProxyServer.start(ProxyFixture.testSettings(), routes,
        new RequestTelemetry(logged::add, null));
    routes.publish(Snapshots.of(host("a.example", backend("test/a:80", a)),
        host("b.example", backend("test/b:80", b))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    a.close();
    b.close();
  }

  private RawHttpConnection connect() throws IOException {
    return RawHttpConnection.open(proxy.port());
  }

  private RequestFacts logLine(int index) {
    await().atMost(Duration.ofSeconds(5)).until(() -> logged.size() > index);
    return logged.get(index);
  }

  @Test
  void absoluteFormIsRoutedByItsAuthorityAndForwardedInOriginForm() throws Exception {
    try (RawHttpConnection c = connect()) {
      RawResponse r = c.send("GET http://B.example:80/x/y?q=1 HTTP/1.1\r\nHost: a.example\r\n\r\n")
          .read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("X-Backend")).isEqualTo("b");
      assertThat(r.header("X-Echo-Uri")).isEqualTo("/x/y?q=1");
      assertThat(r.text()).contains("host: B.example:80\n");

      RawResponse root = c.send("GET http://b.example?q=2 HTTP/1.1\r\nHost: a.example\r\n\r\n")
          .read();
      assertThat(root.header("X-Backend")).isEqualTo("b");
      assertThat(root.header("X-Echo-Uri")).isEqualTo("/?q=2");
    }
  }

  private static String headWithFields(int count) {
    StringBuilder head = new StringBuilder("GET /h HTTP/1.1\r\nHost: a.example\r\n");
    for (int i = 1; i < count; i++) {
      head.append("X-F-").append(i).append(": v\r\n");
    }
    return head.append("\r\n").toString();
  }

  @Test
  void moreHeaderFieldsThanTheLimitAre431AndNeverForwarded() throws Exception {
    try (RawHttpConnection c = connect()) {
      RawResponse ok = c.send(headWithFields(100)).read();
      assertThat(ok.status()).isEqualTo(200);
    }
    try (RawHttpConnection c = connect()) {
      RawResponse r = c.send(headWithFields(101)).read();
      assertThat(r.status()).isEqualTo(431);
      assertThat(r.text()).contains("more than 100 header fields");
      assertThat(c.isClosedByPeer()).isTrue();
    }
    try (RawHttpConnection c = connect()) {
      StringBuilder empty = new StringBuilder("GET /e HTTP/1.1\r\nHost: a.example\r\n");
      empty.append("X-E:\r\n".repeat(2_000));
      RawResponse r = c.send(empty.append("\r\n").toString()).read();
      assertThat(r.status()).isEqualTo(431);
    }
    try (RawHttpConnection c = connect()) {
      // Over the head's byte limit (not the field count): refused while the bytes arrive.
      RawResponse r = c.send("GET /big HTTP/1.1\r\nHost: a.example\r\nX-Big: "
          + "b".repeat(40_000) + "\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(431);
    }
    assertThat(a.requests()).isEqualTo(1);
    logLine(3);
    // Each refusal's log line names the request it refused, the oversized head's too.
    assertThat(logged).filteredOn(f -> f.status() == 431).extracting(RequestFacts::uri)
        .containsExactlyInAnyOrder("/h", "/e", "/big");
  }

  @Test
  void oversizedRequestLineIsAnsweredBeforeAnOrderlyClose() throws Exception {
    byte[] filler = new byte[64 * 1024];
    Arrays.fill(filler, (byte) 'a');
    CompletableFuture<Void> sending;
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      // Keeps sending the request line while the answer is read: the proxy answers with bytes of
      // it still unread.
      sending = CompletableFuture.runAsync(() -> {
        try {
          out.write("GET /".getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 64; i++) {
            out.write(filler);
          }
        } catch (IOException e) {
          // the proxy stopped reading: expected once it has answered
        }
      });
      InputStream in = s.getInputStream();
      byte[] answer = in.readAllBytes();
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      // The whole answer, then an orderly end of stream, not a reset.
      assertThat(text).startsWith("HTTP/1.1 414 ").contains("\r\n\r\n");
    }
    sending.join();
    assertThat(logLine(0).status()).isEqualTo(414);
  }
}
