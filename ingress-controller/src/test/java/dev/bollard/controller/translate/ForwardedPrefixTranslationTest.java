package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.ForwardedPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nginx.ingress.kubernetes.io/x-forwarded-prefix}, from the fixture. */
class ForwardedPrefixTranslationTest {

  private static final String FIELD =
      "metadata.annotations[nginx.ingress.kubernetes.io/x-forwarded-prefix]";

  private final TranslationResult result = Fixtures.translated("x-forwarded-prefix.yaml");

  private List<List<RouteFeature>> featuresOf(String host) {
    return Fixtures.routeFeatures(result, host);
  }

  @Test
  void everyRouteOfTheIngressCarriesTheStep() {
    assertThat(featuresOf("api.example.com")).containsExactly(
        List.of(new ForwardedPrefix("/api-v1.2_~:x")), List.of(new ForwardedPrefix("/api-v1.2_~:x")));
    assertThat(featuresOf("plain.example.com")).containsExactly(List.of());
  }

  @Test
  void refusedValuesAreProblemsAndTheIngressIsServedWithoutThem() {
    for (String host : List.of("quoted.example.com", "newline.example.com", "empty.example.com")) {
      assertThat(featuresOf(host)).as(host).containsExactly(List.of());
    }
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/empty", FIELD),
            tuple("Ingress shop/newline", FIELD),
            tuple("Ingress shop/quoted", FIELD));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        empty -> assertThat(empty).startsWith("value \"\" refused: expected a path such as /api"),
        newline -> assertThat(newline).startsWith("value \"/a\\x0aX-Injected: 1\" refused")
            .endsWith("the annotation is not applied. Fix its value."),
        quoted -> assertThat(quoted).startsWith("value \"/a\\\"; add_header X 1\" refused"));
  }
}
