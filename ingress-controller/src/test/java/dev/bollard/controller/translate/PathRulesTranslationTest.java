package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.exact;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static dev.bollard.controller.translate.Snapshots.specific;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import org.junit.jupiter.api.Test;

class PathRulesTranslationTest {

  @Test
  void everyPathTypeIsKeptAndRoutesAreSortedByPathThenType() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("paths.yaml"));

    Backend web = backend("shop/web:80", "10.0.0.1:8080");
    String ing = "shop/paths";
    assertThat(result.problems()).isEmpty();
    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                host(
                    "paths.example.com",
                    prefix("/", web, ing),
                    // ImplementationSpecific without a path matches everything: "/".
                    specific("/", web, ing),
                    exact("/api", web, ing),
                    prefix("/api", web, ing),
                    prefix("/docs/", web, ing),
                    specific("/legacy", web, ing),
                    exact("/login", web, ing))));
  }
}
