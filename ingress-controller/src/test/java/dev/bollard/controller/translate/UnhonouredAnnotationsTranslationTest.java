package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.step.ForwardedPrefix;
import org.junit.jupiter.api.Test;

/** Annotations of ingress-nginx that Bollard does not apply are reported, from the table. */
class UnhonouredAnnotationsTranslationTest {

  private final TranslationResult result = Fixtures.translated("ingress-nginx-unhonoured.yaml");

  @Test
  void eachAnnotationBollardDoesNotApplyIsAProblemSayingWhy() {
    String prefix = "metadata.annotations[nginx.ingress.kubernetes.io/";
    assertThat(result.problems()).satisfiesExactly(
        tracing -> {
          assertThat(tracing.resource()).isEqualTo("Ingress shop/legacy");
          assertThat(tracing.field()).isEqualTo(prefix + "enable-opentracing]");
          assertThat(tracing.message()).startsWith("ignored: Bollard has no tracing module")
              .endsWith("; see docs/ingress-nginx.md");
        },
        mirror -> {
          assertThat(mirror.field()).isEqualTo(prefix + "mirror-target]");
          assertThat(mirror.message()).isEqualTo(
              "ignored: request mirroring is not implemented; see docs/ingress-nginx.md");
        },
        typo -> {
          assertThat(typo.field()).isEqualTo(prefix + "rewrite-targt]");
          assertThat(typo.message()).isEqualTo("ignored: not an annotation of ingress-nginx that"
              + " Bollard knows (check the spelling); see docs/ingress-nginx.md");
        },
        snippet -> {
          assertThat(snippet.field()).isEqualTo(prefix + "stream-snippet]");
          assertThat(snippet.message()).startsWith("ignored: refused: never executed");
          assertThat(snippet.object()).isNotNull();
        });
  }

  @Test
  void theIngressIsStillServedWithWhatBollardApplies() {
    assertThat(result.snapshot().virtualHosts()).singleElement().satisfies(host -> {
      assertThat(host.hostPattern()).isEqualTo("shop.example.com");
      assertThat(host.routes()).map(Route::features)
          .containsExactly(java.util.List.of(new ForwardedPrefix("/shop")));
    });
  }
}
