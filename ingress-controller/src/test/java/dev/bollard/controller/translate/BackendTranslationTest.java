package dev.bollard.controller.translate;

import static dev.bollard.controller.translate.Snapshots.backend;
import static dev.bollard.controller.translate.Snapshots.host;
import static dev.bollard.controller.translate.Snapshots.prefix;
import static dev.bollard.controller.translate.Snapshots.snapshot;
import static dev.bollard.controller.translate.Snapshots.withNotReady;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendTranslationTest {

  @Test
  void resolvesPortsAndReadyEndpointsThroughSlicesEndpointsAndExternalNames() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("backends.yaml"));

    String ing = "shop/backends";
    assertThat(result.problems()).isEmpty();
    assertThat(result.snapshot())
        .isEqualTo(
            snapshot(
                host(
                    "backends.example.com",
                    // Two slices merged, duplicates once; not ready and terminating take no
                    // traffic (kept aside for the status page); the slice's port is the target;
                    // legacy Endpoints ignored beside slices.
                    prefix(
                        "/by-name",
                        withNotReady(backend(
                            "shop/sliced:metrics",
                            "10.0.0.1:9091",
                            "10.0.0.2:9091",
                            "10.0.1.1:9091"), "10.0.0.3:9091", "10.0.0.4:9091"),
                        ing),
                    prefix(
                        "/by-number",
                        withNotReady(backend(
                            "shop/sliced:80", "10.0.0.1:8080", "10.0.0.2:8080", "10.0.1.1:8080"),
                            "10.0.0.3:8080", "10.0.0.4:8080"),
                        ing),
                    // No ports listed: the Ingress's port number; trailing dot dropped elsewhere.
                    prefix(
                        "/database",
                        backend("shop/database:5432", "db.internal.example:5432"),
                        ing),
                    // Nothing ready: an empty backend (503), not a problem.
                    prefix("/drained", withNotReady(backend("shop/drained:80"), "10.2.0.1:80"), ing),
                    prefix("/idle", backend("shop/idle:80"), ing),
                    // No slices: the legacy Endpoints' ready addresses (notReadyAddresses aside).
                    prefix(
                        "/legacy",
                        withNotReady(backend("shop/legacy:80", "10.1.0.1:8080", "10.1.0.2:8080"),
                            "10.1.0.3:8080"),
                        ing),
                    // ExternalName with a named port: its numeric targetPort.
                    prefix(
                        "/partner",
                        backend("shop/partner:https", "api.partner.example:8443"),
                        ing))));
  }
}
