package dev.bollard.proxy.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a route's requests are spread over its backend's endpoints, after ingress-nginx's {@code
 * load-balance} (ConfigMap key and annotation). The state each algorithm keeps (a rotation, latency
 * averages, requests in flight) is per event loop, as ingress-nginx's is per nginx worker.
 */
public enum LoadBalance {
  /** Each endpoint in turn (ingress-nginx's default). */
  ROUND_ROBIN("round_robin"),
  /**
   * Peak-EWMA of response latency times requests in flight, the better of two endpoints drawn at
   * random (ingress-nginx's {@code ewma}): uneven backends get less of the traffic they are slow
   * at.
   */
  EWMA("ewma"),
  /** The endpoint with the fewest requests in flight (nginx's {@code least_conn}). */
  LEAST_CONN("least_conn");

  private final String key;

  LoadBalance(String key) {
    this.key = key;
  }

  /** The name in ingress-nginx's configuration, such as {@code round_robin}. */
  public String key() {
    return key;
  }

  /** The algorithm named {@code value} (case-insensitive), or {@code null} for none of them. */
  public static @Nullable LoadBalance byKey(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (LoadBalance lb : values()) {
      if (lb.key.equals(v)) {
        return lb;
      }
    }
    return null;
  }
}
