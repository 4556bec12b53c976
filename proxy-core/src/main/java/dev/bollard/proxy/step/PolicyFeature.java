package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;

/**
 * A route feature that is not a step but changes how the route's requests are relayed ({@link
 * RoutePolicy}): request buffering, timeouts, body size, retries. Applied once, in the order the
 * translator gave the features, when the chain is compiled ({@link StepChains}).
 */
public interface PolicyFeature extends RouteFeature {

  /** {@code policy} as this feature changes it. */
  RoutePolicy applyTo(RoutePolicy policy);
}
