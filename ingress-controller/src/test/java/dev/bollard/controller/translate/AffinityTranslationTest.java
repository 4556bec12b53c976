package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.Canary;
import dev.bollard.proxy.step.SessionCookie;
import dev.bollard.proxy.step.SessionCookie.SameSite;
import dev.bollard.proxy.step.StickySession;
import dev.bollard.proxy.step.StickySession.CanaryBehavior;
import dev.bollard.proxy.step.StickySession.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session affinity annotations, from the fixture {@code affinity.yaml}. */
class AffinityTranslationTest {

  private static final String A = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("affinity.yaml");

  private Map<String, Route> routesOf(String host) {
    return Fixtures.routesByPath(result, host);
  }

  private static List<StickySession> sticky(Route route) {
    return route.features().stream().filter(StickySession.class::isInstance)
        .map(StickySession.class::cast).toList();
  }

  private List<String> problems(String ingress) {
    return result.problems().stream().filter(p -> p.resource().equals("Ingress shop/" + ingress))
        .map(p -> p.field() + ": " + p.message()).toList();
  }

  @Test
  void everyValueIsApplied() {
    Route route = routesOf("full.example.com").get("/");
    assertThat(route.features()).containsExactly(new StickySession(Mode.PERSISTENT,
        new SessionCookie("route", "/shop", "example.com", SameSite.NONE, true, true, 172800L,
            -1L), true, route.backend(), null, CanaryBehavior.LEGACY));
    assertThat(problems("full")).isEmpty();
  }

  @Test
  void defaultsFollowIngressNginxAndTheCookiePathIsTheRoutesPath() {
    Map<String, Route> routes = routesOf("defaults.example.com");
    Route exact = routes.get("/exact");
    assertThat(exact.features()).containsExactly(new StickySession(Mode.BALANCED,
        SessionCookie.of("INGRESSCOOKIE", "/exact"), false, exact.backend(), null,
        CanaryBehavior.STICKY));
    assertThat(sticky(routes.get("/app")).get(0).cookie().path()).isEqualTo("/app");
  }

  @Test
  void theStepComesAfterTheCanaryAndKnowsItsBackend() {
    Route app = routesOf("defaults.example.com").get("/app");
    List<RouteFeature> features = app.features();
    assertThat(features).hasSize(2);
    assertThat(features.get(0)).isInstanceOf(Canary.class);
    Backend canary = ((Canary) features.get(0)).backend();
    assertThat(canary.id()).isEqualTo("shop/web-canary:80");
    assertThat(features.get(1)).isEqualTo(new StickySession(Mode.BALANCED,
        SessionCookie.of("INGRESSCOOKIE", "/app"), false, app.backend(), canary,
        CanaryBehavior.STICKY));
    assertThat(((StickySession) features.get(1)).backends()).containsExactly(canary);
    assertThat(problems("defaults-canary")).containsExactly(
        A + "affinity-canary-behavior]: ignored on a canary Ingress: its requests get the main"
            + " Ingress's annotations, as in ingress-nginx. Set it on the main Ingress.");
  }

  @Test
  void aRegexPathNeedsSessionCookiePathAsIngressNginxDocuments() {
    Map<String, Route> routes = routesOf("regex.example.com");
    assertThat(sticky(routes.get("/api/v[0-9]+")).get(0).cookie().path())
        .isEqualTo("/api/v[0-9]+");
    assertThat(sticky(routes.get("/plain")).get(0).cookie().path()).isEqualTo("/plain");
    assertThat(problems("regex")).containsExactly(
        A + "session-cookie-path]: missing: path \"/api/v[0-9]+\" is a regular expression"
            + " (use-regex or rewrite-target), and ingress-nginx requires session-cookie-path"
            + " then; the cookie's Path is the expression as written, which browsers compare"
            + " literally, so sessions may not stick. Set"
            + " nginx.ingress.kubernetes.io/session-cookie-path to the path prefix the cookie is"
            + " for, such as \"/\".");
    assertThat(sticky(routesOf("regex2.example.com").get("/api/v[0-9]+")).get(0).cookie().path())
        .isEqualTo("/api");
    assertThat(problems("regex-with-path")).isEmpty();
  }

  @Test
  void badValuesAreProblemsAndTheirDefaultsHold() {
    assertThat(problems("bad-values")).containsExactlyInAnyOrder(
        refused("affinity-mode", "sticky", "balanced or persistent"),
        refused("affinity-canary-behavior", "Sticky", "legacy or sticky"),
        refused("session-cookie-name", "a;b", "a cookie name (an HTTP token) such as route"),
        refused("session-cookie-path", "shop",
            "an absolute path without blanks, commas or semicolons, such as /"),
        refused("session-cookie-domain", "example.com; HttpOnly",
            "a domain name such as example.com"),
        refused("session-cookie-samesite", "Sometimes", "None, Lax or Strict"),
        refused("session-cookie-conditional-samesite-none", "yes", "true or false"),
        refused("session-cookie-secure", "on", "true or false"),
        refused("session-cookie-expires", "1h", "whole seconds such as 3600, without a unit"),
        refused("session-cookie-max-age", "007", "whole seconds such as 3600, without a unit"),
        refused("session-cookie-change-on-failure", "maybe", "true or false"));
    Route route = routesOf("bad.example.com").get("/");
    assertThat(route.features()).containsExactly(new StickySession(Mode.BALANCED,
        SessionCookie.of("INGRESSCOOKIE", "/"), false, route.backend(), null,
        CanaryBehavior.STICKY));
  }

  @Test
  void anotherAffinityTypeOrKeysWithoutAffinityAreProblemsAndNothingIsSticky() {
    assertThat(problems("bad-type")).containsExactly(A + "affinity]: value \"ip\" refused:"
        + " expected cookie (the only affinity ingress-nginx has); no session affinity; the"
        + " annotation is not applied. Fix its value.");
    assertThat(routesOf("bad-type.example.com").get("/").features()).isEmpty();
    assertThat(problems("without-affinity")).containsExactlyInAnyOrder(
        A + "session-cookie-name]: ignored: it needs nginx.ingress.kubernetes.io/affinity:"
            + " cookie on the same Ingress.",
        A + "affinity-mode]: ignored: it needs nginx.ingress.kubernetes.io/affinity: cookie on"
            + " the same Ingress.");
    assertThat(routesOf("without.example.com").get("/").features()).isEmpty();
  }

  private static String refused(String key, String value, String expected) {
    return A + key + "]: value \"" + value + "\" refused: expected " + expected
        + "; the annotation is not applied. Fix its value.";
  }
}
