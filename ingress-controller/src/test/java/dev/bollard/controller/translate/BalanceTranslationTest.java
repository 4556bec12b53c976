package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.Canary;
import dev.bollard.proxy.step.LoadBalancing;
import dev.bollard.proxy.step.StepChain;
import dev.bollard.proxy.step.StepChains;
import dev.bollard.proxy.step.UpstreamHashBy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The balancing annotations from the fixture {@code translate/balance.yaml}: {@code load-balance}
 * becomes the routes' algorithm, {@code upstream-hash-by} their hashing step (after a canary's);
 * bad values are problems naming the Ingress, the annotation and the value.
 */
class BalanceTranslationTest {

  private static final String P = "nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("balance.yaml");

  private VirtualHost host(String name) {
    return Fixtures.virtualHost(result, name + ".example.com");
  }

  private List<RouteFeature> features(String name) {
    List<Route> routes = host(name).routes();
    assertThat(routes).hasSize(1);
    return routes.get(0).features();
  }

  private StepChain chain(String name) {
    VirtualHost host = host(name);
    return StepChains.forRoute(host.routes().get(0), host, result.snapshot());
  }

  @Test
  void loadBalanceNamesTheAlgorithmInAnyCase() {
    assertThat(features("ewma")).containsExactly(new LoadBalancing(LoadBalance.EWMA));
    assertThat(chain("ewma").policy().loadBalance()).isEqualTo(LoadBalance.EWMA);
    assertThat(chain("least").policy().loadBalance()).isEqualTo(LoadBalance.LEAST_CONN);
    assertThat(features("bad-lb")).isEmpty();
    assertThat(chain("bad-lb").policy().loadBalance()).isEqualTo(LoadBalance.ROUND_ROBIN);
  }

  @Test
  void upstreamHashByBecomesAStepAfterTheCanary() {
    assertThat(features("by-user")).containsExactly(UpstreamHashBy.parse("$host$http_x_user"));
    assertThat(chain("by-user").names()).endsWith("upstream-hash-by");
    assertThat(features("canaried")).hasSize(2).first().isInstanceOf(Canary.class);
    assertThat(chain("canaried").names()).endsWith("canary", "upstream-hash-by");
    // The subset annotations are ignored: the key alone hashes.
    assertThat(features("subset")).containsExactly(UpstreamHashBy.parse("$request_uri"));
  }

  @Test
  void badValuesAreProblemsNamingIngressAnnotationAndValue() {
    assertThat(features("bad-hash")).isEmpty();
    assertThat(features("unknown-var")).isEmpty();
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/bad-lb"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("metadata.annotations[" + P + "load-balance]");
          assertThat(p.message()).contains("\"fastest\"").contains("round_robin, ewma or"
              + " least_conn").contains("not applied");
        });
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/bad-hash"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("metadata.annotations[" + P + "upstream-hash-by]");
          assertThat(p.message()).contains("\"${request_uri\"").contains("no closing }");
        });
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress shop/unknown-var"))
        .singleElement().satisfies(p -> assertThat(p.message())
            .contains("\"$upstream_addr\"").contains("$upstream_addr is not supported"));
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/subset"))
        .extracting(Problem::field).containsExactlyInAnyOrder(
            "metadata.annotations[" + P + "upstream-hash-by-subset]",
            "metadata.annotations[" + P + "upstream-hash-by-subset-size]");
  }
}
