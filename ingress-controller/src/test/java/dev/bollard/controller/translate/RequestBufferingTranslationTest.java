package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.BodyBufferSize;
import dev.bollard.proxy.step.RequestBuffering;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code nginx.ingress.kubernetes.io/proxy-request-buffering} and {@code client-body-buffer-size},
 * from the fixture.
 */
class RequestBufferingTranslationTest {

  private final TranslationResult result = Fixtures.translated("proxy-request-buffering.yaml");

  private List<List<RouteFeature>> featuresOf(String host) {
    return Fixtures.routeFeatures(result, host);
  }

  @Test
  void onAndOffBecomeTheRoutesPolicy() {
    assertThat(featuresOf("uploads.example.com"))
        .containsExactly(List.of(new RequestBuffering(false)));
    assertThat(featuresOf("forms.example.com"))
        .containsExactly(List.of(new RequestBuffering(true)));
  }

  @Test
  void aSizeBecomesTheRoutesMemoryShare() {
    assertThat(featuresOf("big-forms.example.com"))
        .containsExactly(List.of(new BodyBufferSize(1 << 20)));
  }

  @Test
  void otherValuesAreProblemsAndTheIngressKeepsTheGlobalPolicy() {
    assertThat(featuresOf("typo.example.com")).containsExactly(List.of());
    assertThat(featuresOf("huge.example.com")).containsExactly(List.of());
    assertThat(result.problems()).satisfiesExactly(
        huge -> {
          assertThat(huge.resource()).isEqualTo("Ingress shop/huge");
          assertThat(huge.field()).isEqualTo(
              "metadata.annotations[nginx.ingress.kubernetes.io/client-body-buffer-size]");
          assertThat(huge.message()).startsWith("value \"2g\" refused: expected a size");
        },
        typo -> {
          assertThat(typo.resource()).isEqualTo("Ingress shop/typo");
          assertThat(typo.field()).isEqualTo(
              "metadata.annotations[nginx.ingress.kubernetes.io/proxy-request-buffering]");
          assertThat(typo.message()).startsWith("value \"false\" refused: expected on or off");
        });
  }
}
