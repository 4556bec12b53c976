package dev.bollard.proxy.step;

import dev.bollard.proxy.config.NextUpstream;
import java.time.Duration;
import java.util.Objects;

/**
 * ingress-nginx's {@code proxy-next-upstream}, {@code proxy-next-upstream-tries} and {@code
 * proxy-next-upstream-timeout} annotations: one part of the Ingress's retry rules ({@link
 * NextUpstream}) instead of the global key's. Not a step: it sets the chain's {@link
 * RoutePolicy#nextUpstream()} when the chain is compiled.
 */
public sealed interface NextUpstreamRule extends PolicyFeature {

  /**
   * {@code proxy-next-upstream}: the failures that move a request on.
   *
   * @param conditions a bit set of {@link NextUpstream}'s conditions, 0 for {@code off}
   */
  record Conditions(int conditions) implements NextUpstreamRule {
    public Conditions {
      NextUpstream.DEFAULTS.withConditions(conditions); // checks the bits
    }

    @Override
    public RoutePolicy applyTo(RoutePolicy policy) {
      return policy.withNextUpstream(policy.nextUpstream().withConditions(conditions));
    }
  }

  /**
   * {@code proxy-next-upstream-tries}: how many endpoints one request may try.
   *
   * @param tries the first try included; 0 for every endpoint once
   */
  record Tries(int tries) implements NextUpstreamRule {
    public Tries {
      if (tries < 0) {
        throw new IllegalArgumentException("tries: " + tries + " (expected: >= 0)");
      }
    }

    @Override
    public RoutePolicy applyTo(RoutePolicy policy) {
      return policy.withNextUpstream(policy.nextUpstream().withTries(tries));
    }
  }

  /**
   * {@code proxy-next-upstream-timeout}: how long after the first try a next one may still start.
   *
   * @param timeout zero for no limit
   */
  record Timeout(Duration timeout) implements NextUpstreamRule {
    public Timeout {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
      }
    }

    @Override
    public RoutePolicy applyTo(RoutePolicy policy) {
      return policy.withNextUpstream(policy.nextUpstream().withTimeout(timeout));
    }
  }
}
