package dev.bollard.proxy.step;

import dev.bollard.proxy.config.ErrorCodes;
import java.util.Objects;

/**
 * ingress-nginx's {@code custom-http-errors} annotation: the codes whose responses on the routes of
 * the Ingress are replaced by an error page from its {@code default-backend} (else the default
 * backend), instead of the global key's list. Not a step: it sets the codes of the chain's {@link RoutePolicy#errorPages()}.
 *
 * @param codes the codes replaced
 */
public record CustomHttpErrors(ErrorCodes codes) implements PolicyFeature {

  public CustomHttpErrors {
    Objects.requireNonNull(codes, "codes");
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withErrorPages(policy.errorPages().withOwnCodes(codes));
  }
}
