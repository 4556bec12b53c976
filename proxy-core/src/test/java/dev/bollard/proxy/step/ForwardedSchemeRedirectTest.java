package dev.bollard.proxy.step;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer that terminates TLS (ingress-nginx's {@code force-ssl-redirect} use
 * case): with {@code use-forwarded-headers} and the balancer trusted, its {@code
 * X-Forwarded-Proto: https} means the client is on HTTPS already, so the HTTPS redirect does not
 * loop and the www redirect stays on HTTPS; from an untrusted peer the header means nothing.
 */
class ForwardedSchemeRedirectTest {

  private static final RouteSource SOURCE = RouteSource.ingress("test", "shop");

  private TestBackend echo;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    proxy = ProxyFixture.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
  }

  private void publish(String trusted) {
    Backend app = backend("test/app:80", echo);
    GlobalSettings d = GlobalSettings.DEFAULTS;
    GlobalSettings settings = new GlobalSettings(d.maxBodyBytes(), ProxyFixture.TEST_TIMEOUTS,
        false, List.of(trusted), true, d.hsts(), true, d.auth(), d.edge());
    proxy.publish(Snapshots.of(
        new VirtualHost("shop.test", List.of(new Route(new PathMatch.Prefix("/"), app, SOURCE))),
        new VirtualHost("www.shop.test", List.of(new Route(new PathMatch.Prefix("/"), app, SOURCE)
            .withFeatures(List.of(new WwwRedirect("shop.test"))))))
        .withSettings(settings)
        .withTls(new TlsSettings(List.of(), Map.of(), Set.of(SOURCE))));
  }

  private static String get(RawHttpConnection c, String host, String proto) throws Exception {
    RawResponse r = c.send("GET /x?y=1 HTTP/1.1\r\nHost: " + host
        + (proto == null ? "" : "\r\nX-Forwarded-Proto: " + proto) + "\r\n\r\n").read();
    return r.status() + " " + r.header("location");
  }

  @Test
  void aTrustedBalancersHttpsNeedsNoRedirectAndKeepsRedirectsOnHttps() throws Exception {
    publish("127.0.0.0/8");
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(get(c, "shop.test", null)).isEqualTo("308 https://shop.test/x?y=1");
      assertThat(get(c, "shop.test", "http")).isEqualTo("308 https://shop.test/x?y=1");
      assertThat(get(c, "shop.test", "HTTPS")).isEqualTo("200 null");
      assertThat(get(c, "www.shop.test", "https")).isEqualTo("308 https://shop.test/x?y=1");
    }
  }

  @Test
  void anUntrustedPeersHeaderChangesNothing() throws Exception {
    publish("192.0.2.0/24");
    try (RawHttpConnection c = proxy.connect()) {
      assertThat(get(c, "shop.test", "https")).isEqualTo("308 https://shop.test/x?y=1");
    }
  }
}
