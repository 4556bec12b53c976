package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expect: 100-continue and WebSocket upgrades. */
class ProxyProtocolTest {

  private TestBackend echo;
  private TestBackend ws;
  private TestBackend other;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    ws = TestBackend.start("ws", TestBackend.webSocketEcho());
    other = TestBackend.start("other", TestBackend.echo());
    proxy = ProxyFixture.start();
    proxy.publish(Snapshots.of(
        host("echo.test", backend("test/echo:80", echo)),
        host("127.0.0.1", backend("test/ws:80", ws))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
    ws.close();
    other.close();
  }

  @Test
  void expectContinueGetsA100ThenTheBodyArrives() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /upload HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 5\r\n"
          + "Expect: 100-continue\r\n\r\n");
      RawResponse interim = c.read();
      assertThat(interim.status()).isEqualTo(100);

      c.send("hello");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).endsWith("\n\nhello").doesNotContainIgnoringCase("expect:");
    }
  }

  @Test
  void expectContinueForAnUnknownHostGetsTheErrorInstead() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST / HTTP/1.1\r\nHost: nowhere.test\r\nContent-Length: 5\r\n"
          + "Expect: 100-continue\r\n\r\n");
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.header("connection")).isEqualTo("close");
    }
  }

  @Test
  void webSocketEchoSurvivesASnapshotSwap() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                    received.add(data.toString());
                    s.request(1);
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);

    socket.sendText("one", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws:one");

    // The host now goes elsewhere: the open socket must not notice.
    proxy.publish(Snapshots.of(host("127.0.0.1", backend("test/other:80", other))));
    socket.sendText("two", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws:two");

    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    assertThat(ws.connectionsAccepted()).isEqualTo(1);
  }
}
