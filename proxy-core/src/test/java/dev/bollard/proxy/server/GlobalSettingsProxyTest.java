package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The snapshot's global settings apply to the requests that start after it is published. */
class GlobalSettingsProxyTest {

  private TestBackend echo;
  private TestBackend silent;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    silent = TestBackend.start("silent", TestBackend.silent());
    proxy = ProxyFixture.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
    silent.close();
  }

  @Test
  void aBodyLargerThanProxyBodySizeGets413AndASmallerOnePasses() throws Exception {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    publish(new GlobalSettings(10, ProxyFixture.TEST_TIMEOUTS, d.useProxyProtocol(),
        d.realIpCidrs(), d.useForwardedHeaders(), d.hsts(), d.sslRedirect(), d.auth(), d.edge()));
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.send("POST / HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 11\r\n\r\n"
          + "x".repeat(11)).read();
      assertThat(r.status()).isEqualTo(413);
    }
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.send("POST / HTTP/1.1\r\nHost: echo.test\r\nTransfer-Encoding: chunked"
          + "\r\n\r\n8\r\nxxxxxxxx\r\n8\r\nxxxxxxxx\r\n0\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(413);
    }
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.send("POST / HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 10\r\n\r\n"
          + "x".repeat(10)).read();
      assertThat(r.status()).isEqualTo(200);
    }
  }

  @Test
  void thePublishedReadTimeoutAppliesToNewRequests() throws Exception {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    publish(new GlobalSettings(d.maxBodyBytes(), new Timeouts(Duration.ofSeconds(2),
        Duration.ofMillis(200), Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ofSeconds(60)), d.useProxyProtocol(), d.realIpCidrs(), d.useForwardedHeaders(),
        d.hsts(), d.sslRedirect(), d.auth(), d.edge()));
    long start = System.nanoTime();
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("silent.test", "/").read();
      assertThat(r.status()).isEqualTo(504);
    }
    // The fixture's own read timeout is 5 s: the 200 ms of the snapshot applied.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  private void publish(GlobalSettings settings) {
    proxy.publish(Snapshots.of(
        host("echo.test", backend("test/echo:80", echo)),
        host("silent.test", backend("test/silent:80", silent))).withSettings(settings));
  }
}
