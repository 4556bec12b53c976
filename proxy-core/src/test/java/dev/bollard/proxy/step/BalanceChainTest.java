package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.routing.RouteTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the balancing settings and features reach a route's chain ({@link StepChains}). */
class BalanceChainTest {

  private static final Backend APP = new Backend("shop/app:80", List.of());
  private static final Backend CANARY = new Backend("shop/canary:80", List.of());

  private static StepChain chain(GlobalSettings settings, List<RouteFeature> features) {
    Route route = new Route(new PathMatch.Prefix("/"), APP, RouteSource.ingress("shop", "web"))
        .withFeatures(features);
    return RouteTable.compile(new RoutingSnapshot(1,
            List.of(new VirtualHost("shop.example.com", List.of(route))), null, settings))
        .match("shop.example.com", "/").steps();
  }

  @Test
  void theConfigMapsHashKeyAppliesAfterACanaryUnlessTheIngressHasItsOwn() {
    GlobalSettings settings = GlobalSettings.builder().upstreamHashBy("$remote_addr").build();
    Canary canary = new Canary(CANARY, "X-Canary", null, null, null, 0, 100);
    assertThat(chain(settings, List.of(canary)).names())
        .containsExactly("acme-challenge", "canary", "upstream-hash-by");
    assertThat(chain(settings, List.of(canary)).step(2))
        .isEqualTo(UpstreamHashBy.parse("$remote_addr"));
    StepChain own = chain(settings, List.of(canary, UpstreamHashBy.parse("$request_uri")));
    assertThat(own.size()).isEqualTo(3);
    assertThat(own.step(2)).isEqualTo(UpstreamHashBy.parse("$request_uri"));
    assertThat(chain(GlobalSettings.DEFAULTS, List.of()).names())
        .containsExactly("acme-challenge");
  }

  @Test
  void theAnnotationsAlgorithmWinsOverTheConfigMaps() {
    GlobalSettings ewma = GlobalSettings.builder().loadBalance(LoadBalance.EWMA).build();
    assertThat(chain(ewma, List.of()).policy().loadBalance()).isEqualTo(LoadBalance.EWMA);
    assertThat(chain(ewma, List.of(LoadBalancing.parse("Least_Conn"))).policy().loadBalance())
        .isEqualTo(LoadBalance.LEAST_CONN);
    assertThat(chain(GlobalSettings.DEFAULTS, List.of()).policy().loadBalance())
        .isEqualTo(LoadBalance.ROUND_ROBIN);
  }

  @Test
  void aStickyRouteIsNotHashedAsAffinityWinsInIngressNginx() {
    GlobalSettings settings = GlobalSettings.builder().upstreamHashBy("$remote_addr").build();
    StickySession sticky = new StickySession(StickySession.Mode.BALANCED,
        SessionCookie.of("INGRESSCOOKIE", "/"), false, APP, null,
        StickySession.CanaryBehavior.STICKY);
    assertThat(chain(settings, List.of(sticky)).names())
        .containsExactly("acme-challenge", "sticky-session");
    assertThat(chain(settings, List.of(sticky, UpstreamHashBy.parse("$request_uri"))).names())
        .containsExactly("acme-challenge", "sticky-session");
  }
}
