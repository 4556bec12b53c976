package dev.bollard.proxy.config;

import java.util.List;
import java.util.Locale;

/**
 * The routes of one host pattern.
 *
 * <p>A pattern is either an exact host name ({@code shop.example.com}) or a single-label wildcard
 * ({@code *.preview.example.com}), always lower case without a port or trailing dot. Routes are in
 * the order the translator decided (precedence among equal paths already resolved); the route table
 * re-sorts them for matching.
 *
 * @param hostPattern lower-case host name or {@code *.}-prefixed wildcard
 * @param routes the host's routes
 */
public record VirtualHost(String hostPattern, List<Route> routes) {

  public VirtualHost {
    if (hostPattern.isEmpty()) {
      throw new IllegalArgumentException("hostPattern: \"\" (expected: a host name or *.domain)");
    }
    if (!hostPattern.equals(hostPattern.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "hostPattern: " + hostPattern + " (expected: lower case)");
    }
    if (hostPattern.indexOf('*', 1) >= 0
        || (hostPattern.startsWith("*") && !hostPattern.startsWith("*."))) {
      throw new IllegalArgumentException(
          "hostPattern: " + hostPattern + " (expected: '*' only as the whole first label)");
    }
    routes = List.copyOf(routes);
  }

  /** Whether the pattern is a {@code *.domain} wildcard. */
  public boolean isWildcard() {
    return hostPattern.startsWith("*.");
  }
}
