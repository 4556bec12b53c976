package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.Redirect;
import dev.bollard.proxy.step.VariableTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code permanent-redirect}, {@code temporal-redirect} and their codes, from the fixture. */
class RedirectTranslationTest {

  private static final String P = "nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("redirects.yaml");

  private List<RouteFeature> featuresOf(String host) {
    return Fixtures.firstRouteFeatures(result, host);
  }

  private static Redirect redirect(int code, String url, String name) {
    return new Redirect(code, VariableTemplate.parse(url, 0), name);
  }

  @Test
  void goodValuesBecomeRedirects() {
    assertThat(featuresOf("perm.example.com")).containsExactly(redirect(301,
        "https://new.example.com/landing?from=old", "permanent-redirect"));
    assertThat(featuresOf("perm308.example.com")).containsExactly(
        redirect(308, "http://new.example.com", "permanent-redirect"));
    assertThat(featuresOf("temp.example.com")).containsExactly(
        redirect(307, "https://maintenance.example.com", "temporal-redirect"));
    assertThat(featuresOf("vars.example.com")).containsExactly(
        redirect(301, "https://new.example.com$request_uri", "permanent-redirect"));
  }

  @Test
  void temporalWinsAndCodesFallBackToTheDefaultAsInIngressNginxReported() {
    assertThat(featuresOf("both.example.com")).containsExactly(
        redirect(302, "https://t.example.com", "temporal-redirect"));
    assertThat(featuresOf("teapot.example.com")).containsExactly(
        redirect(301, "https://new.example.com", "permanent-redirect"));
    assertThat(featuresOf("multiple.example.com")).containsExactly(
        redirect(301, "https://new.example.com", "permanent-redirect"));
  }

  @Test
  void refusedValuesAreProblemsAndNoRedirectIsApplied() {
    for (String host : List.of("wordcode", "ftp", "crlf", "unknownvar", "lonecode")) {
      assertThat(featuresOf(host + ".example.com")).as(host).isEmpty();
    }
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/both", "metadata.annotations[" + P + "permanent-redirect]"),
            tuple("Ingress shop/crlf", "metadata.annotations[" + P + "permanent-redirect]"),
            tuple("Ingress shop/ftp", "metadata.annotations[" + P + "permanent-redirect]"),
            tuple("Ingress shop/lonecode",
                "metadata.annotations[" + P + "permanent-redirect-code]"),
            tuple("Ingress shop/multiple",
                "metadata.annotations[" + P + "permanent-redirect-code]"),
            tuple("Ingress shop/teapot", "metadata.annotations[" + P + "permanent-redirect-code]"),
            tuple("Ingress shop/unknownvar", "metadata.annotations[" + P + "temporal-redirect]"),
            tuple("Ingress shop/wordcode",
                "metadata.annotations[" + P + "permanent-redirect-code]"));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        both -> assertThat(both).startsWith("ignored: temporal-redirect is also set and wins"),
        crlf -> assertThat(crlf).startsWith("value \"https://a.example.com/\\r\\nSet-Cookie: x=1\""
            + " refused: a URL cannot hold the character \\x0d"),
        ftp -> assertThat(ftp).contains("only http and https are valid protocols"),
        lone -> assertThat(lone).startsWith("ignored: no permanent-redirect URL is set"),
        multiple -> assertThat(multiple).startsWith("value 300 is not a redirect status")
            .contains("301 is used (ingress-nginx would send the URL as the body"),
        teapot -> assertThat(teapot).contains("301 is used, as in ingress-nginx"),
        unknown -> assertThat(unknown).contains("variable $server_name is not supported"),
        word -> assertThat(word).startsWith("value \"moved\" refused: not a number")
            .contains("no redirect is applied"));
  }
}
