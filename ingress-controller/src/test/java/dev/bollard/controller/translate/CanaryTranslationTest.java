package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.Canary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canary annotations, from the fixture {@code canary.yaml}. */
class CanaryTranslationTest {

  private static final String A = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("canary.yaml");

  private Map<String, Route> routesOf(String host) {
    return Fixtures.routesByPath(result, host);
  }

  private List<String> problems(String ingress) {
    return result.problems().stream().filter(p -> p.resource().equals("Ingress shop/" + ingress))
        .map(p -> p.field() + ": " + p.message()).toList();
  }

  @Test
  void theCanaryIsMergedOntoTheMainRoutesOfItsHostAndPath() {
    Map<String, Route> routes = routesOf("shop.example.com");
    assertThat(routes).containsOnlyKeys("/", "/api");
    for (Route route : routes.values()) {
      assertThat(route.source().name()).isEqualTo("main");
      assertThat(route.backend().id()).isEqualTo("shop/web:80");
      assertThat(route.features()).hasSize(1);
      Canary canary = (Canary) route.features().get(0);
      assertThat(canary.backend().id()).isEqualTo("shop/web-canary:80");
      assertThat(route.features()).containsExactly(new Canary(canary.backend(), "X-Canary",
          "blue", null, "canary", 30, 1000));
    }
  }

  @Test
  void theCanarysBackendIsRelayedAsTheMainIngressSays() {
    Route route = routesOf("https.example.com").get("/");
    assertThat(route.backend().tls()).isNotNull();
    Canary canary = (Canary) route.features().stream().filter(Canary.class::isInstance)
        .findFirst().orElseThrow();
    assertThat(canary.backend().id()).isEqualTo("shop/web-canary:80");
    assertThat(canary.backend().tls()).isNotNull();
    assertThat(problems("https-canary")).isEmpty();
  }

  @Test
  void aCanaryClaimsNoPathSoNoConflictIsReported() {
    assertThat(result.problems()).noneMatch(p -> p.message().contains("already served"));
    assertThat(problems("main")).isEmpty();
    assertThat(result.snapshot().virtualHosts()).extracting(VirtualHost::hostPattern)
        .doesNotContain("nowhere.example.com");
  }

  @Test
  void aCanaryPathWithoutAMainIngressIsAProblem() {
    assertThat(problems("canary")).containsExactly(
        "spec.rules[0].http.paths[2]: host shop.example.com, Prefix /missing is served by no main"
            + " (non-canary) Ingress, and a canary only adds a backend to one; this path is"
            + " ignored. Create the main Ingress with the same host and path, or fix this one's.",
        "spec.rules[1].http.paths[0]: host nowhere.example.com, Prefix / is served by no main"
            + " (non-canary) Ingress, and a canary only adds a backend to one; this path is"
            + " ignored. Create the main Ingress with the same host and path, or fix this one's.");
  }

  @Test
  void aSecondCanaryOnOnePathIsAProblemAndTheOlderKeepsItAndOtherAnnotationsAreIgnored() {
    assertThat(problems("second-canary")).containsExactly(
        A + "rewrite-target]: ignored on a canary Ingress: its requests get the main Ingress's"
            + " annotations, as in ingress-nginx. Set it on the main Ingress.",
        "spec.rules[0].http.paths[0]: host shop.example.com, Prefix / of Ingress shop/main already"
            + " has an older canary (backend shop/web-canary:80); this path is ignored. Keep one"
            + " canary per path.");
  }

  @Test
  void aBadCanaryValueLeavesTheIngressOut() {
    assertThat(problems("broken")).containsExactly(
        A + "canary]: value \"yes\" refused: expected true or false; this Ingress is not served"
            + " (neither as a canary nor as a main Ingress). Fix its value.");
  }

  @Test
  void badValuesAreProblemsAndTheCanaryKeepsTheRest() {
    assertThat(problems("bad-values")).containsExactlyInAnyOrder(
        A + "canary-by-header]: value \"X Canary\" refused: expected a header or cookie name"
            + " such as X-Canary; the annotation is not applied. Fix its value.",
        A + "canary-by-header-pattern]: value \"(\" refused: not a regular expression (missing"
            + " closing )); the annotation is not applied. Fix its value.",
        A + "canary-by-cookie]: value \"a;b\" refused: expected a header or cookie name such as"
            + " X-Canary; the annotation is not applied. Fix its value.",
        A + "canary-weight]: value \"30%\" refused: expected a whole number from 0 to 1000000000;"
            + " the annotation is not applied. Fix its value.",
        A + "canary-weight-total]: value \"0\" refused: expected a whole number from 1; the"
            + " annotation is not applied. Fix its value.");
    List<RouteFeature> features = routesOf("bad.example.com").get("/").features();
    assertThat(features).hasSize(1);
    Canary canary = (Canary) features.get(0);
    assertThat(canary).isEqualTo(new Canary(canary.backend(), null, null, null, null, 0, 100));
  }

  @Test
  void canaryAnnotationsOnAMainIngressAreProblemsAndItIsServed() {
    assertThat(problems("not-canary")).containsExactly(
        A + "canary-weight]: ignored: this Ingress is not a canary (set"
            + " nginx.ingress.kubernetes.io/canary: \"true\" to make it one, or remove the"
            + " annotation).");
    assertThat(routesOf("plain.example.com").get("/").features()).isEmpty();
  }
}
