package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import java.util.List;
import java.util.Objects;

/**
 * ingress-nginx's {@code default-backend} annotation: a Service of the Ingress's namespace (its
 * first port) that serves the routes' requests while their own Service has no ready endpoint, and
 * the error pages of the Ingress's own {@code custom-http-errors} annotation instead of the
 * snapshot's default backend (the global key's codes stay with the default backend, as in
 * ingress-nginx). A
 * backend without a ready endpoint is ignored, as ingress-nginx ignores it. Not a step: it sets the
 * chain's {@link RoutePolicy#errorPages()}.
 *
 * @param backend the Service's backend
 */
public record DefaultBackend(Backend backend) implements PolicyFeature {

  public DefaultBackend {
    Objects.requireNonNull(backend, "backend");
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withErrorPages(policy.errorPages().withOwnBackend(backend));
  }

  @Override
  public List<Backend> backends() {
    return List.of(backend);
  }
}
