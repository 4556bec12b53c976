package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.CookieRewrite;
import dev.bollard.proxy.step.ProxyRedirect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The response-rewrite annotations from the fixture {@code translate/response-rewrite.yaml}: good
 * values become features; a lone {@code proxy-redirect-to}, a regular expression and a one-word
 * cookie rewrite are problems naming the Ingress and the annotation.
 */
class ResponseRewriteTranslationTest {

  private static final String P = "nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("response-rewrite.yaml");

  private List<RouteFeature> features(String name) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(name + ".example.com"))
        .findFirst().orElseThrow().routes().get(0).features();
  }

  private void problem(String ingress, String annotation, String says) {
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/" + ingress))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("metadata.annotations[" + P + annotation + "]");
          assertThat(p.message()).contains(says);
        });
  }

  @Test
  void goodValuesBecomeFeatures() {
    assertThat(features("all")).containsExactly(
        new ProxyRedirect("http://internal/", "https://all.example.com/"),
        new CookieRewrite(CookieRewrite.Attribute.DOMAIN, "internal", "all.example.com"),
        new CookieRewrite(CookieRewrite.Attribute.PATH, "/", "/app/"));
    assertThat(features("off")).isEmpty();
  }

  @Test
  void badValuesAreProblemsAndNotApplied() {
    assertThat(features("lone-to")).isEmpty();
    problem("lone-to", "proxy-redirect-to", "proxy-redirect-from is off");
    assertThat(features("regex")).isEmpty();
    problem("regex", "proxy-redirect-from", "regular expressions");
    assertThat(features("one-word")).isEmpty();
    problem("one-word", "proxy-cookie-path", "\"from to\"");
    assertThat(features("variable")).isEmpty();
    problem("variable", "proxy-redirect-to", "not expanded");
  }
}
