package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code enable-access-log} annotation: whether the requests of the Ingress's routes
 * get an access-log line. They are counted in the metrics either way. Not a step: it sets the
 * chain's {@link RoutePolicy#accessLog()} when the chain is compiled.
 *
 * @param on whether the routes' requests are logged
 */
public record AccessLogging(boolean on) implements PolicyFeature {

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withAccessLog(on);
  }
}
