package dev.bollard.proxy.step;

import dev.bollard.proxy.config.LoadBalance;
import java.util.Objects;

/**
 * ingress-nginx's {@code load-balance} annotation: how the Ingress's routes spread requests over
 * their endpoints ({@code round_robin}, {@code ewma}, {@code least_conn}) instead of the ConfigMap
 * key's. Not a step: it sets the chain's {@link RoutePolicy} when the chain is compiled; the
 * upstream pools' balancer does the rest, per event loop.
 *
 * @param balance the algorithm
 */
public record LoadBalancing(LoadBalance balance) implements PolicyFeature {

  public LoadBalancing {
    Objects.requireNonNull(balance, "balance");
  }

  /**
   * The feature for {@code value} ({@code round_robin}, {@code ewma} or {@code least_conn}, any
   * case).
   *
   * @throws IllegalArgumentException for any other value, naming the accepted ones
   */
  public static LoadBalancing parse(String value) {
    LoadBalance balance = LoadBalance.byKey(value);
    if (balance == null) {
      throw new IllegalArgumentException("unknown algorithm (expected round_robin, ewma or"
          + " least_conn)");
    }
    return new LoadBalancing(balance);
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.toBuilder().loadBalance(balance).build();
  }
}
