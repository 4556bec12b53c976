package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

class BadInputTranslationTest {

  private final TranslationResult result =
      new SnapshotTranslator(IngressClassSelection.defaults())
          .translate(Fixtures.store("bad-input.yaml"));

  @Test
  void onlyTheSoundPathOfAnIngressWithAMissingServiceSurvives() {
    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                host(
                    "partial.example.com",
                    prefix("/ok", backend("bad/web:80"), "bad/missing-service")),
                // Sound Ingresses whose every backend failed to resolve keep their host, without
                // routes: its requests get the default backend, never the host-less rules.
                host("y.example.com")));
  }

  @Test
  void everyProblemNamesTheIngressAndTheField() {
    String paths0 = "spec.rules[0].http.paths[0]";
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress bad/both-backends", paths0 + ".backend"),
            tuple("Ingress bad/both-ports", paths0 + ".backend.service.port"),
            tuple("Ingress bad/double-wildcard", "spec.rules[0].host"),
            tuple("Ingress bad/empty-backend", paths0 + ".backend"),
            tuple("Ingress bad/empty-paths", "spec.rules[0].http.paths"),
            tuple("Ingress bad/empty-spec", "spec"),
            tuple("Ingress bad/exact-without-path", paths0 + ".path"),
            tuple("Ingress bad/invalid-host", "spec.rules[1].host"),
            tuple("Ingress bad/loopback", paths0 + ".backend.service.name"),
            tuple("Ingress bad/missing-port", paths0 + ".backend.service.port"),
            tuple("Ingress bad/missing-port-name", paths0 + ".backend.service.port"),
            tuple(
                "Ingress bad/missing-service", "spec.rules[0].http.paths[1].backend.service.name"),
            tuple("Ingress bad/no-path-type", paths0 + ".pathType"),
            tuple("Ingress bad/no-port", paths0 + ".backend.service.port"),
            tuple("Ingress bad/port-range", paths0 + ".backend.service.port.number"),
            tuple("Ingress bad/relative-path", paths0 + ".path"),
            tuple("Ingress bad/resource-backend", paths0 + ".backend.resource"),
            tuple("Ingress bad/udp-port", paths0 + ".backend.service.port"),
            tuple("Ingress bad/unknown-path-type", paths0 + ".pathType"));
  }

  @Test
  void messagesSayWhatIsWrongAndWhatHappens() {
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress bad/missing-service"))
        .singleElement()
        .hasToString(
            "Ingress bad/missing-service: spec.rules[0].http.paths[1].backend.service.name:"
                + " Service bad/gone not found; create it or fix the name. This path is skipped.");
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress bad/missing-port"))
        .singleElement()
        .extracting(Problem::message)
        .isEqualTo(
            "Service bad/web has no port 81 (it has: 80/http); fix the port. This path is"
                + " skipped.");
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress bad/invalid-host"))
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("\"bad_host.example.com\"")
        .endsWith("The Ingress is skipped.");
  }
}
