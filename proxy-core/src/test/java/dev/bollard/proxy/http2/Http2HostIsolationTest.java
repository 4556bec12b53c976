package dev.bollard.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.H2Client;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import dev.bollard.proxy.tls.EdgeTls;
import dev.bollard.proxy.tls.TestPki;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 connection reuse never carries one host's access to another: every stream is routed and
 * guarded by its own {@code :authority}, and a stream for a host whose TLS the connection was not
 * made with is refused 421.
 */
class Http2HostIsolationTest {

  /** {@code htpasswd -nbB alice secret}. */
  private static final String ALICE =
      "alice:$2y$05$DWsMbEuYbykCm9hC6qzU4.HX9o/pe5madct8nMth79DlvRnF3L/L2\n";

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend guarded;
  private TestBackend open;
  private ProxyServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (guarded != null) {
      guarded.close();
    }
    if (open != null) {
      open.close();
    }
  }

  /** open.test (no guard) and preview.test (Basic auth), with the certificates given. */
  private void start(TestPki.Pem openCert, TestPki.Pem previewCert) throws Exception {
    guarded = TestBackend.start("guarded", TestBackend.echo());
    open = TestBackend.start("open", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
    BasicAuthPolicy policy = BasicAuthPolicy.of("Ingress test/preview", "Preview",
        Htpasswd.parse(ALICE, "test"));
    VirtualHost preview = new VirtualHost("preview.test", List.of(new Route(
        new PathMatch.Prefix("/"), Snapshots.backend("test/guarded:80", guarded),
        RouteSource.ingress("test", "preview"), policy)));
    Backend openBackend = Snapshots.backend("test/open:80", open);
    routes.publish(Snapshots.of(preview, Snapshots.host("open.test", openBackend))
        .withTls(new TlsSettings(List.of(binding("open.test", openCert),
            binding("preview.test", previewCert)), Map.of(), Set.of())));
  }

  private static TlsBinding binding(String host, TestPki.Pem pem) {
    return new TlsBinding(RouteSource.ingress("test", host), "test/" + host, List.of(host),
        pem.chain(), pem.key(), false);
  }

  @Test
  void aReusedConnectionCannotCarryAnOpenHostsAccessToAGuardedOne() throws Exception {
    // One certificate for both: a browser may reuse the connection (RFC 9113 section 9.1.1).
    TestPki.Pem both = TestPki.issue("open.test", "preview.test");
    start(both, both);
    try (H2Client client = H2Client.connect(server.httpsPort(), "open.test")) {
      assertThat(client.get("open.test", "/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);

      H2Client.Response sneaky = client.get("preview.test", "/").get(10, TimeUnit.SECONDS);
      assertThat(sneaky.status()).isEqualTo(401);
      assertThat(sneaky.headers().get("www-authenticate").toString()).contains("Preview");

      String credentials = Base64.getEncoder()
          .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
      H2Client.Response allowed = client.send(H2Client.headers("GET", "preview.test", "/")
          .add("authorization", "Basic " + credentials), null).get(10, TimeUnit.SECONDS);
      assertThat(allowed.status()).isEqualTo(200);

      // Interleaved: the open host's stream after the guarded one is served as open, and a
      // guarded stream after an authenticated one is guarded again.
      assertThat(client.get("open.test", "/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(client.get("preview.test", "/x").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(401);
    }
    assertThat(guarded.requests()).isEqualTo(1);
    assertThat(open.requests()).isEqualTo(2);
  }

  @Test
  void aStreamForAHostTheConnectionsCertificateDoesNotServeIsMisdirected() throws Exception {
    start(TestPki.issue("open.test"), TestPki.issue("preview.test"));
    try (H2Client client = H2Client.connect(server.httpsPort(), "open.test")) {
      H2Client.Response misdirected =
          client.get("preview.test", "/").get(10, TimeUnit.SECONDS);
      assertThat(misdirected.status()).isEqualTo(421);
      // A host that has no certificate of its own is served by the default one, as a new
      // handshake naming it would not be: the open.test connection is not that.
      assertThat(client.get("unknown.test", "/").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(421);
      assertThat(client.get("open.test:443", "/").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(200);
    }
    try (H2Client anonymous = H2Client.connect(server.httpsPort(), null)) {
      // No SNI: the default certificate; a host without one of its own is served alike.
      assertThat(anonymous.get("unknown.test", "/").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(404);
      assertThat(anonymous.get("preview.test", "/").get(10, TimeUnit.SECONDS).status())
          .isEqualTo(421);
    }
    assertThat(guarded.requests()).isZero();
  }
}
