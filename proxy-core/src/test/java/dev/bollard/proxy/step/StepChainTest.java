package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteEdge;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.routing.RouteTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link StepChains} compiles for a route, and in which order. */
class StepChainTest {

  private static final Backend APP = new Backend("shop/app:80", List.of());
  private static final RouteSource SHOP = RouteSource.ingress("shop", "shop");
  private static final HeaderRules RULES = new HeaderRules(
      List.of(new HeaderRules.Rule(HeaderRules.Op.SET, "X-A", "1")), List.of());

  private static RouteTable table(GlobalSettings settings, VirtualHost... hosts) {
    return RouteTable.compile(new RoutingSnapshot(1, List.of(hosts), null, settings));
  }

  @Test
  void stepsRunByPhaseWhateverOrderTheyCameIn() {
    Route route = new Route(new PathMatch.Prefix("/"), APP, SHOP,
        BasicAuthPolicy.broken("Ingress shop/shop", "r", "test"),
        new RouteEdge(CaptureRules.parse(List.of("X-Log-User"), List.of(), false), RULES),
        List.of(new ForwardedPrefix("/shop")));
    RouteTable table = table(GlobalSettings.DEFAULTS,
        new VirtualHost("shop.example.com", List.of(route)));

    assertThat(table.match("Shop.Example.com:8080", "/a/../b").steps().names()).containsExactly(
        "acme-challenge", "basic-auth", "x-forwarded-prefix", "headers", "log-capture");
  }

  @Test
  void aRouteOfAnExactHostNoGlobalPatternNamesGetsNoGuardStep() {
    AuthSettings global = new AuthSettings(List.of("*.preview.example.com"), "ns/auth", "r",
        List.of(), false, null);
    GlobalSettings settings = GlobalSettings.DEFAULTS.withAuth(global);
    Route route = new Route(new PathMatch.Prefix("/"), APP, SHOP);
    RouteTable table = table(settings,
        new VirtualHost("www.example.com", List.of(route)),
        new VirtualHost("a.preview.example.com", List.of(route)),
        new VirtualHost("*.example.com", List.of(route)));

    assertThat(table.match("www.example.com", "/").steps().names())
        .containsExactly("acme-challenge");
    assertThat(table.match("a.preview.example.com", "/").steps().names())
        .containsExactly("acme-challenge", "basic-auth");
    // Wildcard hosts and requests no route serves decide by the request's host.
    assertThat(table.match("b.example.com", "/").steps().names())
        .containsExactly("acme-challenge", "basic-auth");
    assertThat(table.match("unknown.preview.example.com", "/").steps().names())
        .containsExactly("acme-challenge", "basic-auth");
  }

  @Test
  void routingGivesTheNormalFormsOnce() {
    RouteTable table = table(GlobalSettings.DEFAULTS, new VirtualHost("shop.example.com",
        List.of(new Route(new PathMatch.Prefix("/b"), APP, SHOP))));
    var routed = table.match("SHOP.example.com.:443", "/a/..//b%2fc");
    assertThat(routed.host()).isEqualTo("shop.example.com");
    assertThat(routed.path()).isEqualTo("/b/c");
    assertThat(routed.route()).isNotNull();
  }

  @Test
  void theRedirectBracketsAnIpv6HostOnce() {
    StepOutcome outcome = HttpsRedirect.always().decide(new PlainRequest("[::1]", "/x?y=1"));
    assertThat(outcome).isInstanceOf(StepOutcome.Answer.class);
    var response = ((StepOutcome.Answer) outcome).response(true);
    assertThat(response.headers().get("location")).isEqualTo("https://[::1]/x?y=1");
    response.release();
  }

  /** A plain-HTTP request as a step sees it, for the steps that need only host and URI. */
  private static final class PlainRequest extends TestStepRequest {
    PlainRequest(String host, String uri) {
      super(host, new io.netty.handler.codec.http.DefaultHttpRequest(
          io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
          io.netty.handler.codec.http.HttpMethod.GET, uri));
    }
  }

  @Test
  void anIngressChangesTheGlobalBodyBufferingOfItsRoutesOnly() {
    GlobalSettings settings = GlobalSettings.DEFAULTS.withBodyBuffering(
        new GlobalSettings.BodyBuffering(true, 8192, 1 << 20));
    Route plain = new Route(new PathMatch.Prefix("/"), APP, SHOP);
    Route streamed = new Route(new PathMatch.Prefix("/up"), APP, SHOP)
        .withFeatures(List.of(new RequestBuffering(false)));
    Route roomy = new Route(new PathMatch.Prefix("/forms"), APP, SHOP)
        .withFeatures(List.of(new BodyBufferSize(65_536)));
    RouteTable table = table(settings,
        new VirtualHost("shop.example.com", List.of(plain, streamed, roomy)));

    assertThat(table.match("shop.example.com", "/").steps().bodyBuffering())
        .isEqualTo(new GlobalSettings.BodyBuffering(true, 8192, 1 << 20));
    assertThat(table.match("shop.example.com", "/up/x").steps().bodyBuffering())
        .isEqualTo(new GlobalSettings.BodyBuffering(false, 8192, 1 << 20));
    assertThat(table.match("shop.example.com", "/forms").steps().bodyBuffering())
        .isEqualTo(new GlobalSettings.BodyBuffering(true, 65_536, 1 << 20));
    // Requests no route serves follow the global policy.
    assertThat(table.match("other.example.com", "/").steps().bodyBuffering().on()).isTrue();
  }

  @Test
  void aFeatureThatIsNoStepIsRefusedAtCompileTime() {
    RouteFeature notAStep = new RouteFeature() {};
    Route route = new Route(new PathMatch.Prefix("/"), APP, SHOP).withFeatures(List.of(notAStep));
    assertThatThrownBy(() -> table(GlobalSettings.DEFAULTS,
        new VirtualHost("shop.example.com", List.of(route))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ingress shop/shop");
  }
}
