package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * ingress-nginx's {@code app-root} annotation: a request for exactly {@code /} (as routing
 * normalised it, whatever its query) is answered {@code 302} to the application's root on the
 * same scheme and authority, {@code http://shop.example.com/app}; the query is not carried over,
 * as nginx's {@code return 302} does not. Every other path passes. Phase {@link
 * Phase#HOST_REDIRECT}: before the route's CORS preflight answer and redirects, as ingress-nginx's
 * server-level {@code if}.
 *
 * @param root the path redirected to, starting with one {@code /}, checked by the translator
 */
public record AppRoot(String root) implements RouteStep, RouteFeature {

  public AppRoot {
    Objects.requireNonNull(root, "root");
    if (!root.startsWith("/") || root.startsWith("//")) {
      throw new IllegalArgumentException("root: " + root + " (expected: a path such as /app)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.HOST_REDIRECT;
  }

  @Override
  public String name() {
    return "app-root";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    if (!request.path().equals("/")) {
      return StepOutcome.PASS;
    }
    String authority = request.authority();
    String location = authority.isEmpty()
        ? root : RedirectAnswer.scheme(request) + "://" + authority + root;
    return RedirectAnswer.to(HttpResponseStatus.FOUND, location);
  }
}
