package dev.bollard.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.testing.TlsProbe;
import dev.bollard.proxy.tls.EdgeTls;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The header timeout's 408 on an HTTPS listener: it must reach the client through TLS, with and
 * without a PROXY protocol header in front of the handshake (the timers once sat before the TLS
 * step when the PROXY protocol was on, and their 408 went out as plain text).
 */
class ClientTimeoutsOverTlsTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend backend;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
  }

  @AfterEach
  void stop() {
    server.close();
    backend.close();
  }

  private void publish(boolean proxyProtocol) {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    Timeouts t = ProxyFixture.TEST_TIMEOUTS;
    GlobalSettings settings = new GlobalSettings(d.maxBodyBytes(),
        // Long enough for a TLS handshake on a loaded machine: the timer runs from the accept.
        new Timeouts(t.connect(), t.read(), t.send(), Duration.ofSeconds(2), t.keepAlive(),
            t.clientBody(), t.clientSend()),
        proxyProtocol, List.of("127.0.0.0/8"), d.useForwardedHeaders(), d.hsts(),
        d.sslRedirect(), d.auth(), d.edge());
    routes.publish(Snapshots.of(Snapshots.host("shop.test",
        Snapshots.backend("web/app:80", backend))).withSettings(settings));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anIncompleteHeadGetsAn408ThroughTls(boolean proxyProtocol) throws Exception {
    publish(proxyProtocol);
    try (Socket raw = new Socket("127.0.0.1", server.httpsPort())) {
      raw.setSoTimeout(5000);
      if (proxyProtocol) {
        raw.getOutputStream().write("PROXY TCP4 203.0.113.50 192.0.2.1 40000 443\r\n"
            .getBytes(StandardCharsets.US_ASCII));
      }
      SSLSocket tls = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
          .createSocket(raw, "shop.test", server.httpsPort(), true);
      tls.startHandshake();
      tls.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.test\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();

      // A plain-text 408 would make the TLS client fail here (not a TLS record).
      String head = readHead(tls.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 408 ").contains("Connection: close");
    }
  }

  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
