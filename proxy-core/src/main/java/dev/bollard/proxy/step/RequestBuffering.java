package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code proxy-request-buffering} annotation: the routes of the Ingress read request
 * bodies whole before taking an upstream connection ({@code on}) or stream them up as they arrive
 * ({@code off}), whatever the global key says. Not a step: it sets the chain's {@link
 * RoutePolicy#bodyBuffering()} when the chain is compiled.
 *
 * @param on whether the route buffers request bodies
 */
public record RequestBuffering(boolean on) implements PolicyFeature {

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withBodyBuffering(policy.bodyBuffering().turned(on));
  }
}
