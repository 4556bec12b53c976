package dev.bollard.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.testing.TlsProbe;
import dev.bollard.proxy.tls.EdgeTls;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's {@code backend-protocol: AUTO_HTTP}: the upstream connection speaks TLS only for
 * a request that reached the proxy over TLS (nginx's {@code $scheme}). The backend here speaks
 * plain HTTP, so a request over TLS fails its upstream handshake (502) and a plain one passes.
 */
class AutoHttpUpstreamTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend backend;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
    UpstreamTls auto = new UpstreamTls(UpstreamTls.DEFAULT_PROTOCOLS, false, 1, "app.web.svc",
        false, null, null, null, true, "");
    routes.publish(Snapshots.of(Snapshots.host("shop.test",
        Snapshots.backend("web/app:80", backend).withTls(auto))));
  }

  @AfterEach
  void stop() {
    server.close();
    backend.close();
  }

  @Test
  void aPlainRequestGoesUpstreamInPlainHttp() throws Exception {
    try (Socket plain = new Socket("127.0.0.1", server.port())) {
      assertThat(exchange(plain)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aRequestOverTlsGoesUpstreamOverTls() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", server.httpsPort())) {
      SSLSocket tls = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
          .createSocket(raw, "shop.test", server.httpsPort(), true);
      // The plain backend cannot complete the proxy's handshake: a failed connection, 502.
      assertThat(exchange(tls)).startsWith("HTTP/1.1 502 ");
    }
  }

  private static String exchange(Socket socket) throws Exception {
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write("GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
