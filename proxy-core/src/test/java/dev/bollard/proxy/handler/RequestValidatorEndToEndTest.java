package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile requests sent over a socket to a real proxy never reach the real backend behind it. */
class RequestValidatorEndToEndTest {

  private static TestBackend backend;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    proxy = ProxyFixture.start();
    proxy.publish(Snapshots.of(host("app.test", backend("test/app:80", backend))));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  static Stream<Arguments> hostileRequests() {
    String post = "POST /upload HTTP/1.1\r\nHost: app.test\r\n";
    return Stream.of(
        arguments("Content-Length with Transfer-Encoding", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        arguments("differing Content-Length headers", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        arguments("Transfer-Encoding gzip", post + "Transfer-Encoding: gzip\r\n\r\nxx", 400),
        arguments("obs-fold", "GET / HTTP/1.1\r\nHost: app.test\r\nX-A: one\r\n two\r\n\r\n", 400),
        arguments("bare LF", "GET / HTTP/1.1\nHost: app.test\n\n", 400),
        arguments("bare CR", "GET / HTTP/1.1\r\nHost: app.test\rX-B: 1\r\n\r\n", 400),
        arguments("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        arguments("URI too long", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: app.test\r\n\r\n", 414),
        arguments("headers too large", "GET / HTTP/1.1\r\nHost: app.test\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n", 431));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("hostileRequests")
  void hostileRequestIsAnsweredAndNeverReachesTheBackend(String name, String raw, int status)
      throws Exception {
    int before = backend.requests();

    try (RawHttpConnection hostile = proxy.connect()) {
      RawResponse response = hostile.send(raw).read();

      assertThat(response.status()).as(name).isEqualTo(status);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(hostile.isClosedByPeer()).as("connection closed").isTrue();
    }
    // A valid request after it: once its answer is back, the backend's count is settled.
    try (RawHttpConnection valid = proxy.connect()) {
      assertThat(valid.get("app.test", "/after").read().status()).isEqualTo(200);
    }
    assertThat(backend.requests()).as("requests the backend received").isEqualTo(before + 1);
  }
}
