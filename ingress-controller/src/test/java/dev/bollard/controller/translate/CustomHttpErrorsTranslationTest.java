package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.CustomHttpErrors;
import dev.bollard.proxy.step.DefaultBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code nginx.ingress.kubernetes.io/custom-http-errors}, {@code enable-custom-http-errors} and
 * {@code default-backend}, from the fixture.
 */
class CustomHttpErrorsTranslationTest {

  private static final String ANNOTATIONS = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("custom-http-errors.yaml");

  private List<RouteFeature> featuresOf(String host) {
    return Fixtures.firstRouteFeatures(result, host);
  }

  @Test
  void codesAndTheDefaultBackendsFirstPortBecomeTheRoutesErrorPages() {
    assertThat(featuresOf("pages.example.com")).containsExactly(
        new CustomHttpErrors(ErrorCodes.of(List.of(404, 503))),
        new DefaultBackend(new Backend("shop/errors:8081",
            List.of(new Endpoint("10.0.9.1", 8081)))));
  }

  @Test
  void codesAreSortedWithoutRepeats() {
    assertThat(featuresOf("codes.example.com"))
        .containsExactly(new CustomHttpErrors(ErrorCodes.of(List.of(418, 500))));
  }

  @Test
  void disablingTurnsEveryCodeOffForTheIngress() {
    assertThat(featuresOf("disabled.example.com"))
        .containsExactly(new CustomHttpErrors(ErrorCodes.NONE));
  }

  @Test
  void badValuesAreProblemsAndTheRestOfTheIngressIsServed() {
    assertThat(featuresOf("bad-code.example.com")).isEmpty();
    assertThat(featuresOf("not-numbers.example.com")).isEmpty();
    assertThat(featuresOf("missing.example.com")).isEmpty();
    assertThat(featuresOf("portless.example.com")).isEmpty();
    assertThat(featuresOf("bad-name.example.com")).isEmpty();
    // An enable flag it cannot read leaves the codes on, as ingress-nginx's default is true.
    assertThat(featuresOf("bad-enable.example.com"))
        .containsExactly(new CustomHttpErrors(ErrorCodes.of(List.of(502))));
    assertThat(result.problems()).satisfiesExactlyInAnyOrder(
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/bad-code");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "custom-http-errors]");
          assertThat(p.message()).startsWith("value \"404,302\" refused: 302 is not an error code;"
              + " expected comma-separated codes from 400 to 599");
        },
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/not-numbers");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "custom-http-errors]");
          assertThat(p.message()).startsWith("value \"404;503\" refused: \"404;503\" is not an HTTP"
              + " status code");
        },
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/bad-enable");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "enable-custom-http-errors]");
          assertThat(p.message()).startsWith("value \"yes\" refused: expected true or false");
        },
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/missing");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "default-backend]");
          assertThat(p.message()).startsWith("Service shop/nope not found; create it or fix the"
              + " annotation.");
        },
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/portless");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "default-backend]");
          assertThat(p.message()).startsWith("Service shop/portless has no port");
        },
        p -> {
          assertThat(p.resource()).isEqualTo("Ingress shop/bad-name");
          assertThat(p.field()).isEqualTo(ANNOTATIONS + "default-backend]");
          assertThat(p.message()).startsWith("value \"Error_Pages\" refused: expected the name of"
              + " a Service in namespace shop");
        });
  }
}
