package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.AppRoot;
import dev.bollard.proxy.step.UpstreamVhost;
import dev.bollard.proxy.step.WwwRedirect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code app-root}, {@code from-to-www-redirect}, {@code server-alias} and {@code upstream-vhost},
 * from the fixture {@code host-annotations.yaml}.
 */
class HostAnnotationsTranslationTest {

  private static final RouteSource MAIN = RouteSource.ingress("shop", "main");
  private static final RouteSource OTHER = RouteSource.ingress("shop", "other");
  private static final AppRoot APP = new AppRoot("/app/?tab=1");

  private final TranslationResult result = Fixtures.translated("host-annotations.yaml");

  private List<Route> routesOf(String host) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host)).findFirst()
        .map(VirtualHost::routes).orElseThrow(() -> new AssertionError("no host " + host));
  }

  @Test
  void everyNameIsAHostOfItsOwn() {
    assertThat(result.snapshot().virtualHosts()).extracting(VirtualHost::hostPattern)
        .containsExactly("*.wild.example.com", "_", "a.preview.example.com", "bad.example.com",
            "blog.example.com", "dash.example.com", "docs.example.com", "shop.example.com",
            "shop.example.net", "taken.example.com", "www.blog.example.com",
            "www.docs.example.com", "www.shop.example.com");
  }

  @Test
  void appRootRedirectsTheRootOfTheWholeHostWhicheverIngressServesIt() {
    assertThat(routesOf("shop.example.com"))
        .extracting(r -> r.path().path(), Route::source, Route::features)
        .containsExactly(
            tuple("/", OTHER, List.of(APP)),
            tuple("/app", MAIN, List.of(new UpstreamVhost("internal.shop:8080"), APP)));
    // Nothing serves "/": a route that only redirects.
    assertThat(routesOf("dash.example.com")).extracting(Route::path, Route::features)
        .containsExactly(
            tuple(new PathMatch.Prefix("/dashboard"), List.of(new AppRoot("/dashboard"))),
            tuple(new PathMatch.Exact("/"), List.of(new AppRoot("/dashboard"))));
  }

  @Test
  void theOtherNameRedirectsUnlessAnIngressDefinesIt() {
    assertThat(routesOf("www.shop.example.com")).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo(new PathMatch.Prefix("/"));
      assertThat(r.source()).isEqualTo(MAIN);
      assertThat(r.features()).containsExactly(new WwwRedirect("shop.example.com"));
    });
    assertThat(routesOf("docs.example.com")).extracting(Route::features)
        .containsExactly(List.<RouteFeature>of(new WwwRedirect("www.docs.example.com")));
    assertThat(routesOf("www.blog.example.com")).extracting(Route::source)
        .containsExactly(RouteSource.ingress("shop", "blog"));
    assertThat(routesOf("www.blog.example.com").get(0).features()).isEmpty();
  }

  @Test
  void anAliasServesEveryRouteOfItsHostButNeverAHostAnIngressDefines() {
    assertThat(routesOf("shop.example.net")).isEqualTo(routesOf("shop.example.com"));
    assertThat(routesOf("a.preview.example.com")).isEqualTo(routesOf("shop.example.com"));
    assertThat(routesOf("taken.example.com")).extracting(Route::source)
        .containsExactly(RouteSource.ingress("shop", "taken"));
  }

  @Test
  void anAddedNameGetsTheHostsCertificateOnlyWhereItCoversTheName() {
    assertThat(result.snapshot().tls().bindings())
        .extracting(TlsBinding::secret, TlsBinding::hosts, TlsBinding::hasCertificate)
        .containsExactly(
            tuple("shop/shop-tls", List.of("shop.example.com"), true),
            tuple("shop/shop-tls", List.of("a.preview.example.com"), true));
    assertThat(result.snapshot().tls().bindingFor("shop.example.net")).isEmpty();
  }

  @Test
  void badValuesAndLostNamesAreProblemsNamingTheIngressAndAnnotation() {
    assertThat(result.problems()).extracting(Problem::resource, Problem::field).containsExactly(
        tuple("Ingress shop/bad", "metadata.annotations[nginx.ingress.kubernetes.io/upstream-vhost]"),
        tuple("Ingress shop/bad", "metadata.annotations[nginx.ingress.kubernetes.io/app-root]"),
        tuple("Ingress shop/bad",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/bad", "metadata.annotations[nginx.ingress.kubernetes.io/server-alias]"),
        tuple("Ingress shop/blog",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/blog",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/hostless", "metadata.annotations[nginx.ingress.kubernetes.io/app-root]"),
        tuple("Ingress shop/hostless",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/hostless",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/main", "metadata.annotations[nginx.ingress.kubernetes.io/server-alias]"),
        tuple("Ingress shop/main",
            "metadata.annotations[nginx.ingress.kubernetes.io/from-to-www-redirect]"),
        tuple("Ingress shop/main", "metadata.annotations[nginx.ingress.kubernetes.io/server-alias]"),
        tuple("Ingress shop/other", "metadata.annotations[nginx.ingress.kubernetes.io/app-root]"),
        tuple("Ingress shop/other",
            "metadata.annotations[nginx.ingress.kubernetes.io/server-alias]"));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        vhost -> assertThat(vhost).startsWith("value \"$service_name.$namespace.svc\" refused:")
            .contains("nginx variables are not expanded"),
        root -> assertThat(root).startsWith("value \"//evil.example.com/\" refused"),
        www -> assertThat(www).startsWith("value \"yes\" refused: expected \"true\" or \"false\""),
        alias -> assertThat(alias).contains("'not valid' is no host name"),
        blog -> assertThat(blog).startsWith("no redirect from www.blog.example.com to"
            + " blog.example.com: an Ingress defines host www.blog.example.com"),
        blogWww -> assertThat(blogWww).startsWith("no redirect from blog.example.com"),
        loop -> assertThat(loop).startsWith("value \"/\" refused: redirecting / to / would loop"),
        wild -> assertThat(wild).contains("host *.wild.example.com"),
        hostless -> assertThat(hostless).contains("rules without host"),
        taken -> assertThat(taken).startsWith("alias taken.example.com of host shop.example.com"
            + " is not applied: an Ingress defines host taken.example.com"),
        wwwCert -> assertThat(wwwCert).startsWith("HTTPS requests for www.shop.example.com get the"
            + " default certificate: the certificate in Secret shop/shop-tls"),
        aliasCert -> assertThat(aliasCert).startsWith("HTTPS requests for shop.example.net"),
        otherRoot -> assertThat(otherRoot).startsWith("host shop.example.com already redirects"
            + " / to /app/?tab=1 (app-root of the older Ingress shop/main)"),
        otherAlias -> assertThat(otherAlias).startsWith("host shop.example.com already has the"
            + " aliases shop.example.net,a.preview.example.com,taken.example.com,shop.example.com"));
  }
}
