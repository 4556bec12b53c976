package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code proxy-body-size} annotation: the largest request body the Ingress's routes
 * accept (then 413), instead of the global key's. Not a step: it sets the chain's {@link
 * RoutePolicy#maxBodyBytes()} when the chain is compiled.
 *
 * @param maxBytes the largest body in bytes, 0 for no limit
 */
public record BodySizeLimit(long maxBytes) implements PolicyFeature {

  public BodySizeLimit {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withMaxBodyBytes(maxBytes);
  }
}
