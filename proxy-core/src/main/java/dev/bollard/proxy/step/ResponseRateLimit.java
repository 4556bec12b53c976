package dev.bollard.proxy.step;

import dev.bollard.proxy.config.ResponseRate;

/**
 * ingress-nginx's {@code limit-rate} and {@code limit-rate-after} annotations: the bandwidth of
 * each response body of the Ingress's routes (nginx's {@code limit_rate}, {@code
 * limit_rate_after}). Not a step: it sets the chain's {@link RoutePolicy#responseRate()}, which the
 * exchange paces its writes to the client by. An annotation the Ingress does not set keeps the
 * ConfigMap's value, as in ingress-nginx, where each annotation defaults to the key of the same
 * name.
 *
 * @param bytesPerSecond the rate, 0 for none, or -1 to keep the ConfigMap's
 * @param afterBytes the bytes sent before the rate applies, or -1 to keep the ConfigMap's
 */
public record ResponseRateLimit(long bytesPerSecond, long afterBytes) implements PolicyFeature {

  public ResponseRateLimit {
    if (bytesPerSecond < -1 || afterBytes < -1 || (bytesPerSecond == -1 && afterBytes == -1)) {
      throw new IllegalArgumentException("bytesPerSecond " + bytesPerSecond + ", afterBytes "
          + afterBytes + " (expected: >= 0, or -1 for the global value, not both -1)");
    }
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    ResponseRate global = policy.responseRate();
    return policy.toBuilder().responseRate(new ResponseRate(
        bytesPerSecond >= 0 ? bytesPerSecond : global.bytesPerSecond(),
        afterBytes >= 0 ? afterBytes : global.afterBytes())).build();
  }
}
