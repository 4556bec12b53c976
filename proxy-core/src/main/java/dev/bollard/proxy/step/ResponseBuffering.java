package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code proxy-buffering} annotation, accepted and deliberately without effect:
 * Bollard always streams responses to the client with backpressure both ways and never spools them
 * to disk. With nginx's {@code on} a slow client costs the upstream nothing once the response fits
 * nginx's buffers; with Bollard the upstream connection is paused while the client cannot take more
 * (nginx's {@code off}, minus its unbounded reads). Kept as a feature so the route says what its
 * Ingress asked for.
 *
 * @param on the value the Ingress gave
 */
public record ResponseBuffering(boolean on) implements PolicyFeature {

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy;
  }
}
