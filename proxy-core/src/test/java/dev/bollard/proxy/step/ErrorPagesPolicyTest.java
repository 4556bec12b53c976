package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** How a route's error pages come from the global key, the default backend and its Ingress. */
class ErrorPagesPolicyTest {

  private static final Backend DEFAULT =
      new Backend("default/errors:80", List.of(new Endpoint("10.0.0.1", 8080)));
  private static final Backend OWN =
      new Backend("shop/own-errors:80", List.of(new Endpoint("10.0.0.2", 8080)));
  private static final Backend APP =
      new Backend("shop/app:80", List.of(new Endpoint("10.0.0.3", 8080)));

  private static ErrorPages pages(String globalCodes, @Nullable Backend defaultBackend,
      RouteFeature... features) {
    Route route = new Route(new PathMatch.Prefix("/"), APP, RouteSource.ingress("shop", "web"))
        .withFeatures(List.of(features));
    VirtualHost host = new VirtualHost("app.test", List.of(route));
    RoutingSnapshot snapshot = new RoutingSnapshot(0, List.of(host), defaultBackend,
        GlobalSettings.DEFAULTS.withCustomHttpErrors(ErrorCodes.parse(globalCodes)));
    return StepChains.forRoute(route, host, snapshot).policy().errorPages();
  }

  @Test
  void theGlobalCodesAreServedByTheDefaultBackend() {
    ErrorPages p = pages("404,503", DEFAULT);
    assertThat(p).isEqualTo(ErrorPages.global(ErrorCodes.of(List.of(404, 503)), DEFAULT));
    assertThat(p.errorBackend()).isEqualTo(DEFAULT);
    assertThat(p.intercepts(404)).isTrue();
    assertThat(p.intercepts(500)).isFalse();
    assertThat(p.unavailableBackend()).isNull();
  }

  @Test
  void withoutCodesOrWithoutAnErrorBackendThereAreNone() {
    assertThat(pages("", DEFAULT)).isSameAs(ErrorPages.NONE);
    assertThat(pages("404", null)).isSameAs(ErrorPages.NONE);
    assertThat(pages("", null, new CustomHttpErrors(ErrorCodes.parse("404"))))
        .isSameAs(ErrorPages.NONE);
  }

  @Test
  void theIngressCodesReplaceTheGlobalOnes() {
    assertThat(pages("404", DEFAULT, new CustomHttpErrors(ErrorCodes.parse("500"))).codes())
        .isEqualTo(ErrorCodes.of(List.of(500)));
    assertThat(pages("404", DEFAULT, new CustomHttpErrors(ErrorCodes.NONE)))
        .isSameAs(ErrorPages.NONE);
  }

  @Test
  void theIngressBackendServesTheIngressCodesAndItsUnavailableRoutes() {
    ErrorPages p = pages("404", DEFAULT, new CustomHttpErrors(ErrorCodes.parse("500")),
        new DefaultBackend(OWN));
    assertThat(p.errorBackend()).isEqualTo(OWN);
    assertThat(p.unavailableBackend()).isEqualTo(OWN);
    // Even without any code: it still stands in for a route with nothing ready.
    assertThat(pages("", null, new DefaultBackend(OWN)).unavailableBackend()).isEqualTo(OWN);
  }

  @Test
  void theGlobalCodesStayWithTheDefaultBackendAsInIngressNginx() {
    ErrorPages p = pages("404", DEFAULT, new DefaultBackend(OWN));
    assertThat(p.errorBackend()).isEqualTo(DEFAULT);
    assertThat(p.unavailableBackend()).isEqualTo(OWN);
  }

  @Test
  void anIngressBackendWithNothingReadyIsIgnored() {
    Backend idle = new Backend("shop/own-errors:80", List.of());
    ErrorPages p = pages("404", DEFAULT, new CustomHttpErrors(ErrorCodes.parse("404")),
        new DefaultBackend(idle));
    assertThat(p.errorBackend()).isEqualTo(DEFAULT);
    assertThat(p.unavailableBackend()).isNull();
  }
}
