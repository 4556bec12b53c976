package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.exact;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.Backend;
import org.junit.jupiter.api.Test;

class ConflictTranslationTest {

  private final TranslationResult result =
      new SnapshotTranslator(IngressClassSelection.defaults())
          .translate(Fixtures.store("conflicts.yaml"));

  @Test
  void theOlderIngressKeepsEachHostPathAndType() {
    Backend web = backend("shop/web:80");
    Backend api = backend("shop/api:80");
    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                host(
                    "c.example.com",
                    prefix("/api", api, "shop/old"),
                    exact("/login", web, "shop/old"),
                    prefix("/login", web, "shop/a-young"),
                    exact("/new", web, "shop/a-young"),
                    // The older claim on /orphan failed (missing Service), so it claimed nothing.
                    prefix("/orphan", web, "shop/a-young")),
                host("tie.example.com", prefix("/", backend("ns-a/web:80"), "ns-a/z"))));
  }

  @Test
  void eachLoserIsReportedNamingTheWinner() {
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress ns-a/a-untimed", "spec.rules[0].http.paths[0]"),
            tuple("Ingress ns-b/a", "spec.rules[0].http.paths[0]"),
            tuple("Ingress shop/a-young", "spec.rules[0].http.paths[0]"),
            tuple("Ingress shop/a-young", "spec.rules[0].http.paths[1]"),
            tuple("Ingress shop/old", "spec.rules[0].http.paths[2].backend.service.name"),
            tuple("Ingress shop/old", "spec.rules[1].http.paths[0]"));
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress shop/a-young"))
        .allSatisfy(p -> assertThat(p.message()).contains("the older Ingress shop/old"));
    assertThat(result.problems().get(5).message())
        .contains("spec.rules[0].http.paths[0] of this Ingress");
    assertThat(result.problems().get(0).message()).contains("Ingress ns-a/z");
  }
}
