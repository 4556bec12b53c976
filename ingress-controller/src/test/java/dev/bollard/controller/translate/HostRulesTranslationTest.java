package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.exact;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import org.junit.jupiter.api.Test;

class HostRulesTranslationTest {

  @Test
  void hostsAreLowerCasedMergedAndSortedWithHostlessRulesOnTheDefaultServer() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("hosts.yaml"));

    Backend web = backend("shop/web:80", "10.0.0.1:8080", "10.0.0.2:8080");
    Backend webByName = backend("shop/web:http", "10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(result.problems()).isEmpty();
    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                host("*.preview.example.com", prefix("/", web, "shop/hosts")),
                host("_", prefix("/fallback", web, "shop/hosts")),
                host(
                    "a.example.com",
                    prefix("/a", web, "shop/hosts"),
                    exact("/b", web, "shop/hosts")),
                // A rule without http: its own host, no routes, so the default backend answers
                // (as ingress-nginx's server for it would), not the host-less rules of "_".
                host("no-paths.example.com"),
                host(
                    "shop.example.com",
                    prefix("/", web, "shop/hosts"),
                    prefix("/more", webByName, "shop/more"))));
  }
}
