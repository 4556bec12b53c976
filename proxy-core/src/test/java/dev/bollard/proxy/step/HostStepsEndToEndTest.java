package dev.bollard.proxy.step;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
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
 * The host steps of ingress-nginx's {@code app-root}, {@code from-to-www-redirect} and {@code
 * upstream-vhost} through a real proxy to a backend that echoes the head it received.
 */
class HostStepsEndToEndTest {

  private TestBackend echo;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    proxy = ProxyFixture.start();
    Backend app = backend("test/app:80", echo);
    RouteSource source = RouteSource.ingress("test", "shop");
    Route root = new Route(new PathMatch.Prefix("/"), app, source)
        .withFeatures(List.of(new AppRoot("/app/"), new UpstreamVhost("internal.svc:8080")));
    Route www = new Route(new PathMatch.Prefix("/"), app, source)
        .withFeatures(List.of(new WwwRedirect("shop.test")));
    // In the order the translator gives them: the location's own features, then the host's.
    Route preflight = new Route(new PathMatch.Prefix("/"), app, source)
        .withFeatures(List.of(new Cors(List.of("*"), Cors.DEFAULT_METHODS, Cors.DEFAULT_HEADERS,
            "", false, Cors.DEFAULT_MAX_AGE), new AppRoot("/app/")));
    Route moved = new Route(new PathMatch.Prefix("/"), app, source)
        .withFeatures(List.of(new Redirect(301,
            VariableTemplate.parse("https://new.example.com", 0), "permanent-redirect"),
            new AppRoot("/app/")));
    proxy.publish(Snapshots.of(
        new VirtualHost("shop.test", List.of(root)),
        new VirtualHost("www.shop.test", List.of(www)),
        new VirtualHost("cors.test", List.of(preflight)),
        new VirtualHost("moved.test", List.of(moved))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
  }

  @Test
  void exactlyTheRootIsRedirectedToTheAppRootWithoutTheQuery() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse root = c.send("GET /?utm=1 HTTP/1.1\r\nHost: Shop.test:8080\r\n\r\n").read();
      assertThat(root.status()).isEqualTo(302);
      assertThat(root.header("location")).isEqualTo("http://Shop.test:8080/app/");
      RawResponse merged = c.send("GET //./ HTTP/1.1\r\nHost: shop.test\r\n\r\n").read();
      assertThat(merged.status()).isEqualTo(302);
      RawResponse other = c.get("shop.test", "/index.html").read();
      assertThat(other.status()).isEqualTo(200);
    }
  }

  @Test
  void theAppRootAnswersBeforeTheLocationsPreflightAndRedirect() throws Exception {
    // ingress-nginx's app-root is an if of the server: nginx's server rewrite phase, before the
    // location's CORS preflight return and permanent-redirect return.
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse root = c.send("OPTIONS / HTTP/1.1\r\nHost: cors.test\r\n"
          + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n\r\n")
          .read();
      assertThat(root.status()).isEqualTo(302);
      assertThat(root.header("location")).isEqualTo("http://cors.test/app/");
      RawResponse other = c.send("OPTIONS /app/ HTTP/1.1\r\nHost: cors.test\r\n"
          + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n\r\n")
          .read();
      assertThat(other.status()).isEqualTo(204);
      RawResponse redirected = c.get("moved.test", "/").read();
      assertThat(redirected.status()).isEqualTo(302);
      assertThat(redirected.header("location")).isEqualTo("http://moved.test/app/");
      RawResponse elsewhere = c.get("moved.test", "/app/").read();
      assertThat(elsewhere.status()).isEqualTo(301);
      assertThat(elsewhere.header("location")).isEqualTo("https://new.example.com");
    }
    assertThat(echo.requests()).isZero();
  }

  @Test
  void theUpstreamGetsTheAnnotatedHostAndTheClientsAsForwardedHost() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse served = c.get("shop.test", "/app/").read();
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.text().toLowerCase())
          .contains("host: internal.svc:8080\n", "x-forwarded-host: shop.test\n");
    }
  }

  @Test
  void theOtherNameIsRedirectedWithPathQueryAndPort() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse moved = c.send(
          "GET /cart/?id=7 HTTP/1.1\r\nHost: www.shop.test:8080\r\n\r\n").read();
      assertThat(moved.status()).isEqualTo(308);
      assertThat(moved.header("location")).isEqualTo("http://shop.test:8080/cart/?id=7");
      RawResponse bare = c.get("www.shop.test", "/").read();
      assertThat(bare.header("location")).isEqualTo("http://shop.test/");
    }
    assertThat(echo.requests()).isZero();
  }

  @Test
  void valuesAreChecked() {
    assertThatThrownBy(() -> new AppRoot("//evil.example")).hasMessageContaining("/app");
    assertThatThrownBy(() -> new WwwRedirect("")).hasMessageContaining("host name");
    assertThatThrownBy(() -> new UpstreamVhost("")).hasMessageContaining("host name");
  }
}
