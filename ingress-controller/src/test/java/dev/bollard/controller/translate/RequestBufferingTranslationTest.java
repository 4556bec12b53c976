package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.RequestBuffering;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nginx.ingress.kubernetes.io/proxy-request-buffering}, from the fixture. */
class RequestBufferingTranslationTest {

  private final TranslationResult result = new SnapshotTranslator(
      IngressClassSelection.defaults()).translate(Fixtures.store("proxy-request-buffering.yaml"));

  private List<List<RouteFeature>> featuresOf(String host) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host))
        .map(VirtualHost::routes)
        .flatMap(List::stream)
        .map(Route::features)
        .toList();
  }

  @Test
  void onAndOffBecomeTheRoutesPolicy() {
    assertThat(featuresOf("uploads.example.com"))
        .containsExactly(List.of(new RequestBuffering(false)));
    assertThat(featuresOf("forms.example.com"))
        .containsExactly(List.of(new RequestBuffering(true)));
  }

  @Test
  void anotherValueIsAProblemAndTheIngressKeepsTheGlobalPolicy() {
    assertThat(featuresOf("typo.example.com")).containsExactly(List.of());
    assertThat(result.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/typo");
      assertThat(p.field())
          .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/proxy-request-buffering]");
      assertThat(p.message()).startsWith("value \"false\" refused: expected on or off");
    });
  }
}
