package dev.bollard.proxy.step;

import java.time.Duration;
import java.util.Objects;

/**
 * ingress-nginx's {@code proxy-connect-timeout}, {@code proxy-read-timeout} and {@code
 * proxy-send-timeout} annotations: one upstream timeout of the Ingress's routes instead of the
 * global key's. Not a step: it sets the chain's {@link RoutePolicy} when the chain is compiled.
 *
 * @param kind which timeout
 * @param value its value, above zero
 */
public record UpstreamTimeout(Kind kind, Duration value) implements PolicyFeature {

  /** The upstream timeouts a route can set. */
  public enum Kind {
    /** TCP connect, per try ({@code proxy-connect-timeout}). */
    CONNECT,
    /** Longest upstream silence while a response is due ({@code proxy-read-timeout}). */
    READ,
    /** Longest stall writing the request upstream ({@code proxy-send-timeout}). */
    SEND
  }

  public UpstreamTimeout {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("value: " + value + " (expected: > 0)");
    }
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return switch (kind) {
      case CONNECT -> policy.withTimeouts(value, policy.readTimeout(), policy.sendTimeout());
      case READ -> policy.withTimeouts(policy.connectTimeout(), value, policy.sendTimeout());
      case SEND -> policy.withTimeouts(policy.connectTimeout(), policy.readTimeout(), value);
    };
  }
}
