package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.ResponseRateLimit;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code limit-rate} on responses without a body (HEAD, 304): the pacer passes their end at once
 * and the connection serves the next request. A missed end would leave the exchange waiting: the
 * next read would time out.
 */
class PacedBodilessResponsesTest {

  private TestBackend echo;
  private TestBackend notModified;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    notModified = TestBackend.start("not-modified", TestBackend.fixed(304, ""));
    proxy = ProxyFixture.start();
    RouteSource source = RouteSource.ingress("test", "paced");
    // 1 KiB/s: nginx's first second's worth (1 KiB) goes at once, any more waits.
    List<RouteFeature> paced =
        List.of(new ResponseRateLimit(1024, 0));
    proxy.publish(Snapshots.of(
        new VirtualHost("paced.test", List.of(new Route(new PathMatch.Prefix("/"),
            backend("test/echo:80", echo), source).withFeatures(paced))),
        new VirtualHost("cached.test", List.of(new Route(new PathMatch.Prefix("/"),
            backend("test/not-modified:80", notModified), source).withFeatures(paced)))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
    notModified.close();
  }

  @Test
  void headAndNotModifiedEndAtOnceOnAKeptConnection() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      for (int i = 0; i < 3; i++) {
        RawResponse head = c.send("HEAD /x HTTP/1.1\r\nHost: paced.test\r\n\r\n").readHead();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("x-backend")).isEqualTo("echo");
        RawResponse cached = c.send("GET /y HTTP/1.1\r\nHost: cached.test\r\n"
            + "If-None-Match: \"v1\"\r\n\r\n").read();
        assertThat(cached.status()).isEqualTo(304);
        RawResponse small = c.get("paced.test", "/z").read();
        assertThat(small.status()).isEqualTo(200);
      }
    }
  }
}
