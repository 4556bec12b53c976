package dev.bollard.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The basic-auth guard follows the route that serves the request, not the TLS connection: a
 * handshake for an open host's name does not open a guarded host on the same connection.
 */
class GuardOverTlsTest {

  /** {@code htpasswd -nbB alice secret}. */
  private static final String ALICE =
      "alice:$2y$05$DWsMbEuYbykCm9hC6qzU4.HX9o/pe5madct8nMth79DlvRnF3L/L2\n";

  private static final TestPki.Pem OPEN = TestPki.issue("open.test");
  private static final TestPki.Pem GUARDED = TestPki.issue("preview.test");

  private final CurrentRoutes routes = new CurrentRoutes();
  private TestBackend guarded;
  private TestBackend open;
  private ProxyServer server;

  @BeforeEach
  void start() throws Exception {
    guarded = TestBackend.start("guarded", TestBackend.echo());
    open = TestBackend.start("open", TestBackend.echo());
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0)).build();
    server = ProxyServer.start(ProxyFixture.testSettings(), routes, RequestTelemetry.NONE, edge);
    BasicAuthPolicy policy =
        BasicAuthPolicy.of("Ingress test/preview", "Preview", Htpasswd.parse(ALICE, "test"));
    VirtualHost preview = new VirtualHost("preview.test", List.of(new Route(
        new PathMatch.Prefix("/"), Snapshots.backend("test/guarded:80", guarded),
        RouteSource.ingress("test", "preview"), policy)));
    Backend openBackend = Snapshots.backend("test/open:80", open);
    routes.publish(Snapshots.of(preview, Snapshots.host("open.test", openBackend))
        .withTls(new TlsSettings(List.of(binding("open.test", OPEN), binding("preview.test", GUARDED)),
            Map.of(), Set.of())));
  }

  @AfterEach
  void stop() {
    server.close();
    guarded.close();
    open.close();
  }

  private static TlsBinding binding(String host, TestPki.Pem pem) {
    return new TlsBinding(RouteSource.ingress("test", host), "test/" + host, List.of(host),
        pem.chain(), pem.key(), false);
  }

  @Test
  void aHostHeaderDifferentFromSniIsGuardedByItsOwnRoute() throws Exception {
    try (TlsClient client = TlsClient.connect(server.httpsPort(), "open.test")) {
      assertThat(client.peer()).isEqualTo(OPEN.certificate());

      TlsClient.Response sneaky = client.get("preview.test", "/");
      assertThat(sneaky.status()).isEqualTo(401);
      assertThat(sneaky.headers()).containsEntry("x-robots-tag", "noindex, nofollow");

      // The same connection still serves the host it was opened for.
      assertThat(client.get("open.test", "/").status()).isEqualTo(200);
    }
    assertThat(guarded.requests()).isZero();
    assertThat(open.requests()).isEqualTo(1);
  }
}
