package dev.bollard.proxy.step;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteEdge;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.headers.HeaderRules;
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
 * A route's own steps run on the requests of that route only, through a real proxy to a backend
 * that echoes the head it received.
 */
class RouteStepsEndToEndTest {

  private TestBackend echo;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    proxy = ProxyFixture.start();
    Backend app = backend("test/app:80", echo);
    RouteSource source = RouteSource.ingress("test", "api");
    Route prefixed = new Route(new PathMatch.Prefix("/api"), app, source)
        .withFeatures(List.of(new ForwardedPrefix("/api")));
    Route ruled = new Route(new PathMatch.Prefix("/ruled"), app, source, null,
        new RouteEdge(CaptureRules.NONE, new HeaderRules(
            List.of(new HeaderRules.Rule(HeaderRules.Op.SET, "X-Forwarded-Prefix", "/rule")),
            List.of())),
        List.of(new ForwardedPrefix("/api")));
    Route plain = new Route(new PathMatch.Prefix("/"), app, RouteSource.ingress("test", "web"));
    proxy.publish(Snapshots.of(new VirtualHost("app.test", List.of(prefixed, ruled, plain))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    echo.close();
  }

  @Test
  void theRouteWithTheFeatureForwardsItsPrefixInPlaceOfTheClients() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse prefixed = c.send("GET /api/users HTTP/1.1\r\nHost: app.test\r\n"
          + "X-Forwarded-Prefix: /spoofed\r\n\r\n").read();
      assertThat(prefixed.status()).isEqualTo(200);
      assertThat(prefixed.text().toLowerCase())
          .contains("x-forwarded-prefix: /api\n").doesNotContain("/spoofed");
    }
  }

  @Test
  void headerRulesRunAfterThePrefixAndWin() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse ruled = c.get("app.test", "/ruled").read();
      assertThat(ruled.status()).isEqualTo(200);
      // The prefix step (REWRITE) runs before the header rules (HEADERS): the rule has the last
      // word.
      assertThat(ruled.text().toLowerCase())
          .contains("x-forwarded-prefix: /rule\n").doesNotContain("x-forwarded-prefix: /api");
    }
  }

  @Test
  void otherRoutesOfTheSameHostAreUntouched() throws Exception {
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse plain = c.get("app.test", "/home").read();
      assertThat(plain.status()).isEqualTo(200);
      assertThat(plain.text().toLowerCase()).doesNotContain("x-forwarded-prefix");
    }
  }
}
