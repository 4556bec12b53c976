package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.AccessLogging;
import dev.bollard.proxy.step.BodySizeLimit;
import dev.bollard.proxy.step.NextUpstreamRule;
import dev.bollard.proxy.step.ResponseBuffering;
import dev.bollard.proxy.step.ResponseHeadLimit;
import dev.bollard.proxy.step.RoutePolicy;
import dev.bollard.proxy.step.StepChains;
import dev.bollard.proxy.step.UpstreamTimeout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The per-Ingress policy annotations from the fixture {@code translate/route-policy.yaml}: timeouts,
 * body size, access log, response buffering and retries become policy features of the Ingress's
 * routes (and so its chain's {@link RoutePolicy}); bad values are problems.
 */
class RoutePolicyTranslationTest {

  private final TranslationResult result = Fixtures.translated("route-policy.yaml");

  private VirtualHost host(String name) {
    return Fixtures.virtualHost(result, name + ".example.com");
  }

  private List<RouteFeature> features(String name) {
    List<Route> routes = host(name).routes();
    assertThat(routes).hasSize(1);
    return routes.get(0).features();
  }

  private RoutePolicy policy(String name) {
    VirtualHost host = host(name);
    return StepChains.forRoute(host.routes().get(0), host, result.snapshot()).policy();
  }

  @Test
  void timeoutsAreWholeSeconds() {
    assertThat(features("timeouts")).containsExactly(
        new UpstreamTimeout(UpstreamTimeout.Kind.CONNECT, Duration.ofSeconds(3)),
        new UpstreamTimeout(UpstreamTimeout.Kind.READ, Duration.ofSeconds(120)),
        new UpstreamTimeout(UpstreamTimeout.Kind.SEND, Duration.ofSeconds(30)));
    RoutePolicy p = policy("timeouts");
    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(p.sendTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void bodySizeIsAnNginxSizeAndZeroLiftsTheLimit() {
    assertThat(features("uploads")).containsExactly(new BodySizeLimit(64L << 20));
    assertThat(policy("uploads").maxBodyBytes()).isEqualTo(64L << 20);
    assertThat(policy("unlimited").maxBodyBytes()).isZero();
    // The global key's default elsewhere.
    assertThat(policy("timeouts").maxBodyBytes()).isEqualTo(1L << 20);
  }

  @Test
  void accessLogIsAGoBoolean() {
    assertThat(features("quiet")).containsExactly(new AccessLogging(false));
    assertThat(policy("quiet").accessLog()).isFalse();
    assertThat(features("loud")).containsExactly(new AccessLogging(true));
    assertThat(policy("timeouts").accessLog()).isTrue();
  }

  @Test
  void responseBufferingIsAcceptedAndTheBufferSizeBoundsResponseHeads() {
    assertThat(features("buffers"))
        .containsExactly(new ResponseBuffering(false), new ResponseHeadLimit(8 << 10));
    assertThat(policy("buffers").maxResponseHeadBytes()).isEqualTo(8 << 10);
    assertThat(policy("timeouts").maxResponseHeadBytes()).isZero();
  }

  @Test
  void retriesReplaceTheGlobalRulesPartByPart() {
    int conditions = NextUpstream.ERROR | NextUpstream.TIMEOUT | NextUpstream.HTTP_503
        | NextUpstream.NON_IDEMPOTENT;
    assertThat(features("retries")).containsExactly(
        new NextUpstreamRule.Conditions(conditions), new NextUpstreamRule.Tries(5),
        new NextUpstreamRule.Timeout(Duration.ofSeconds(10)));
    assertThat(policy("retries").nextUpstream())
        .isEqualTo(new NextUpstream(conditions, 5, Duration.ofSeconds(10)));
    assertThat(policy("no-retries").nextUpstream())
        .isEqualTo(new NextUpstream(0, 0, Duration.ZERO));
    // ingress-nginx's defaults elsewhere: error timeout, 3 tries, no time limit.
    assertThat(policy("timeouts").nextUpstream()).isEqualTo(NextUpstream.DEFAULTS);
  }

  @Test
  void badValuesAreProblemsAndTheIngressKeepsTheGlobalValues() {
    Map<String, String> byIngress = result.problems().stream().collect(Collectors.toMap(
        Problem::resource, p -> p.field() + " " + p.message()));
    String prefix = "metadata.annotations[nginx.ingress.kubernetes.io/";
    assertThat(byIngress).containsOnlyKeys("Ingress shop/units", "Ingress shop/zero",
        "Ingress shop/bad-size", "Ingress shop/bad-bool", "Ingress shop/bad-buffering",
        "Ingress shop/bad-buffer-size", "Ingress shop/bad-conditions", "Ingress shop/bad-tries",
        "Ingress shop/bad-retry-timeout");
    assertThat(byIngress.get("Ingress shop/units")).startsWith(
        prefix + "proxy-read-timeout] value \"60s\" refused: expected whole seconds such as 60");
    assertThat(byIngress.get("Ingress shop/zero")).startsWith(
        prefix + "proxy-connect-timeout] value \"0\" refused: expected more than 0 seconds");
    assertThat(byIngress.get("Ingress shop/bad-size"))
        .startsWith(prefix + "proxy-body-size] value \"10mb\" refused:");
    assertThat(byIngress.get("Ingress shop/bad-bool")).startsWith(
        prefix + "enable-access-log] value \"no\" refused: expected true or false");
    assertThat(byIngress.get("Ingress shop/bad-buffering"))
        .startsWith(prefix + "proxy-buffering] value \"On\" refused: expected on or off");
    assertThat(byIngress.get("Ingress shop/bad-buffer-size"))
        .startsWith(prefix + "proxy-buffer-size] value \"0\" refused: expected a size above 0");
    assertThat(byIngress.get("Ingress shop/bad-conditions")).startsWith(
        prefix + "proxy-next-upstream] value \"error http_418\" refused: unknown condition"
            + " \"http_418\"");
    assertThat(byIngress.get("Ingress shop/bad-tries")).startsWith(
        prefix + "proxy-next-upstream-tries] value \"-1\" refused: expected a whole number");
    assertThat(byIngress.get("Ingress shop/bad-retry-timeout")).startsWith(
        prefix + "proxy-next-upstream-timeout] value \"5s\" refused: expected whole seconds");

    assertThat(features("units")).isEmpty();
    assertThat(policy("units").readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy("bad-conditions").nextUpstream()).isEqualTo(NextUpstream.DEFAULTS);
  }
}
