package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code custom-headers} whose ConfigMap is missing or holds a bad header name: served without the
 * headers by default, refused (503) with {@code bollard-custom-headers-fail-closed}, as
 * ingress-nginx denies the location; a problem names the Ingress, the annotation and the ConfigMap
 * either way.
 */
class CustomHeadersTranslationTest {

  private static TranslationResult translate(String fixture) {
    return new SnapshotTranslator(IngressClassSelection.defaults())
        .translate(Fixtures.store(fixture));
  }

  private static Route route(TranslationResult result, String host) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host)).map(VirtualHost::routes)
        .flatMap(List::stream).findFirst().orElseThrow();
  }

  @Test
  void byDefaultTheIngressIsServedWithoutTheHeaders() {
    TranslationResult result = translate("custom-headers.yaml");
    assertThat(route(result, "good.example.com").edge().headers().response()).isNotEmpty();
    assertThat(route(result, "missing.example.com").features()).isEmpty();
    assertThat(route(result, "missing.example.com").edge().headers().response()).isEmpty();
    assertThat(route(result, "bad.example.com").features()).isEmpty();
    assertThat(result.problems()).satisfiesExactlyInAnyOrder(
        missing -> {
          assertThat(missing.resource()).isEqualTo("Ingress shop/missing");
          assertThat(missing.field())
              .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/custom-headers]");
          assertThat(missing.message()).startsWith("ConfigMap shop/nope does not exist")
              .contains("served without them").contains("bollard-custom-headers-fail-closed");
        },
        bad -> {
          assertThat(bad.resource()).isEqualTo("Ingress shop/bad");
          assertThat(bad.message()).startsWith("ConfigMap shop/bad-headers: ")
              .contains("served without them");
        });
  }

  @Test
  void failClosedRefusesTheRoutesOfThoseIngressesOnly() {
    TranslationResult result = translate("custom-headers-fail-closed.yaml");
    assertThat(route(result, "good.example.com").features()).isEmpty();
    assertThat(route(result, "missing.example.com").features())
        .containsExactly(new UpstreamRefused("custom-headers of Ingress shop/missing cannot be"
            + " applied"));
    assertThat(route(result, "bad.example.com").features())
        .containsExactly(new UpstreamRefused("custom-headers of Ingress shop/bad cannot be"
            + " applied"));
    assertThat(result.problems()).allSatisfy(p -> assertThat(p.message())
        .contains("answer 503 (bollard-custom-headers-fail-closed)"));
    assertThat(result.problems()).hasSize(2);
  }
}
