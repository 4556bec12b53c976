package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

class DefaultBackendTranslationTest {

  @Test
  void theOldestResolvableDefaultBackendWinsAndTheOthersAreReported() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("default-backend.yaml"));

    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                backend("shop/fallback:http", "10.0.5.1:3000"),
                host("shop.example.com", prefix("/", backend("shop/web:80"), "shop/younger"))));
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress ops/broken", "spec.defaultBackend.service.name"),
            tuple("Ingress shop/younger", "spec.defaultBackend"));
    assertThat(result.problems().get(1).message()).contains("Ingress shop/catch-all");
  }
}
