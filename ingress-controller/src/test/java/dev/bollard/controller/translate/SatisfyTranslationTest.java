package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.Satisfy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code satisfy} annotation from the fixture {@code translate/satisfy.yaml} ({@code any} and
 * {@code all} become features, another value is a problem); what it does to a chain is in
 * proxy-core's {@code ClientAccessStepsTest}, on the wire in {@code ClientAccessEndToEndTest}.
 */
class SatisfyTranslationTest {

  private final TranslationResult result = Fixtures.translated("satisfy.yaml");

  private List<RouteFeature> features(String name) {
    List<Route> routes = result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(name + ".example.com"))
        .findFirst().orElseThrow().routes();
    return routes.get(0).features();
  }

  @Test
  void anyAndAllAreFeaturesOfTheRoutes() {
    assertThat(features("any")).contains(Satisfy.ANY);
    assertThat(features("all")).contains(Satisfy.ALL);
  }

  @Test
  void anotherValueIsAProblemAndMeansAll() {
    assertThat(features("bad")).noneMatch(f -> f instanceof Satisfy);
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/bad"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/satisfy]");
          assertThat(p.message()).contains("\"Any\"").contains("any or all").contains("not applied");
        });
  }
}
