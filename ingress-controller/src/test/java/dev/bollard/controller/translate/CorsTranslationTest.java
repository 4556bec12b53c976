package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.Cors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code enable-cors} and the {@code cors-*} annotations read with it, from the fixture. */
class CorsTranslationTest {

  private static final String P = "nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("cors.yaml");

  private List<RouteFeature> featuresOf(String name) {
    return Fixtures.firstRouteFeatures(result, name + ".example.com");
  }

  @Test
  void enableCorsAloneTakesIngressNginxDefaults() {
    assertThat(featuresOf("defaults")).containsExactly(new Cors(List.of("*"),
        "GET, PUT, POST, DELETE, PATCH, OPTIONS", "DNT,Keep-Alive,User-Agent,X-Requested-With,"
            + "If-Modified-Since,Cache-Control,Content-Type,Range,Authorization", "", true,
        1728000));
  }

  @Test
  void everyAnnotationIsRead() {
    assertThat(featuresOf("listed")).containsExactly(new Cors(
        List.of("https://app.example.com", "https://*.example.org", "http://localhost:3000"),
        "GET, POST", "X-Custom-Header, Content-Type", "X-Total-Count, *", false, 600));
  }

  @Test
  void aStarWinsAndIsNeverSentWithCredentials() {
    assertThat(featuresOf("starcreds")).singleElement().isInstanceOfSatisfying(Cors.class, c -> {
      assertThat(c.origins()).containsExactly("*");
      assertThat(c.credentials()).isFalse();
    });
  }

  @Test
  void badValuesFallBackOrRefuseAndAreProblems() {
    assertThat(featuresOf("someorigins")).singleElement().isInstanceOfSatisfying(Cors.class,
        c -> assertThat(c.origins()).containsExactly("https://ok.example.com"));
    assertThat(featuresOf("noorigin")).isEmpty();
    assertThat(featuresOf("notenabled")).isEmpty();
    assertThat(featuresOf("badenable")).isEmpty();
    assertThat(featuresOf("badvalues")).containsExactly(new Cors(List.of("*"),
        Cors.DEFAULT_METHODS, Cors.DEFAULT_HEADERS, "", true, Cors.DEFAULT_MAX_AGE));
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/badenable", "metadata.annotations[" + P + "enable-cors]"),
            tuple("Ingress shop/badvalues", "metadata.annotations[" + P + "cors-allow-methods]"),
            tuple("Ingress shop/badvalues", "metadata.annotations[" + P + "cors-allow-headers]"),
            tuple("Ingress shop/badvalues",
                "metadata.annotations[" + P + "cors-allow-credentials]"),
            tuple("Ingress shop/badvalues", "metadata.annotations[" + P + "cors-max-age]"),
            tuple("Ingress shop/noorigin", "metadata.annotations[" + P + "cors-allow-origin]"),
            tuple("Ingress shop/notenabled",
                "metadata.annotations[" + P + "cors-allow-origin]"),
            tuple("Ingress shop/someorigins",
                "metadata.annotations[" + P + "cors-allow-origin]"),
            tuple("Ingress shop/starcreds",
                "metadata.annotations[" + P + "cors-allow-credentials]"));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        enable -> assertThat(enable).startsWith("value \"on\" refused: expected true or false"),
        methods -> assertThat(methods).startsWith("value \"GET; rm\" refused: expected method")
            .contains("the default GET, PUT, POST, DELETE, PATCH, OPTIONS is used"),
        headers -> assertThat(headers).startsWith("value \"X-A, $pid\" refused"),
        credentials -> assertThat(credentials).contains("the default true is used"),
        maxAge -> assertThat(maxAge).contains("the default 1728000 is used"),
        none -> assertThat(none).contains("origin \"example.com\" refused")
            .contains("CORS is not applied"),
        ignored -> assertThat(ignored).startsWith("ignored: enable-cors is not \"true\""),
        some -> assertThat(some).contains("origin \"ftp://x.example.com\" refused")
            .contains("the other origins are allowed"),
        star -> assertThat(star).startsWith("ignored: credentials cannot be allowed for every"
            + " origin (*)"));
  }
}
