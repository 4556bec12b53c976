package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.ExternalAuth;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code auth-url} annotations from the fixture: one Ingress with every companion becomes one
 * external-auth step (its auth service kept as a backend for the pools); every bad value is a
 * problem naming the Ingress, the annotation and the value, and fails closed (503).
 */
class ExternalAuthTranslationTest {

  private static final String A = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("external-auth.yaml");

  private List<RouteFeature> featuresOf(String name) {
    return Fixtures.firstRouteFeatures(result, name + ".example.com");
  }

  @Test
  void everyCompanionGoesIntoOneStepWhoseServiceThePoolsKeep() {
    List<RouteFeature> features = featuresOf("good");
    assertThat(features).hasSize(1).first().isInstanceOf(ExternalAuth.class);
    ExternalAuth auth = (ExternalAuth) features.get(0);
    assertThat(auth.origin()).isEqualTo("Ingress shop/good");
    assertThat(auth.backends()).singleElement().satisfies(b -> {
      assertThat(b.endpoints()).extracting(e -> e.host() + ":" + e.port())
          .containsExactly("oauth2-proxy.auth.svc.cluster.local:80");
      assertThat(b.tls()).isNull();
    });
    assertThat(result.problems()).noneMatch(p -> p.resource().equals("Ingress shop/good"));
  }

  @Test
  void aBadValueIsAProblemAndTheRoutesAnswer503() {
    for (String name : List.of("badurl", "badmethod", "nomap", "badcache", "badheaders")) {
      assertThat(featuresOf(name)).as(name).singleElement().isInstanceOf(UpstreamRefused.class);
    }
    assertThat(result.problems())
        .filteredOn(p -> !p.resource().equals("Ingress shop/snippet"))
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/badcache", A + "auth-cache-duration]"),
            tuple("Ingress shop/badheaders", A + "auth-response-headers]"),
            tuple("Ingress shop/badmethod", A + "auth-method]"),
            tuple("Ingress shop/badurl", A + "auth-url]"),
            tuple("Ingress shop/nomap", A + "auth-proxy-set-headers]"));
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/badurl"))
        .singleElement().satisfies(p -> assertThat(p.message()).startsWith(
                "value \"oauth2-proxy/oauth2/auth\" refused: expected an http:// or https:// URL")
            .contains("answer 503 until it is fixed"));
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/nomap"))
        .singleElement().satisfies(p -> assertThat(p.message())
            .contains("the ConfigMap shop/missing does not exist"));
  }

  @Test
  void anAuthSnippetIsNeverRunButTheRestApplies() {
    assertThat(featuresOf("snippet")).singleElement().isInstanceOf(ExternalAuth.class);
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/snippet"))
        .extracting(Problem::field).contains(A + "auth-snippet]");
  }
}
