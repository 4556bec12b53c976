package dev.bollard.proxy.config;

import java.util.List;
import java.util.Locale;

/**
 * The routes of one host pattern.
 *
 * <p>A pattern is an exact host name ({@code shop.example.com}), a single-label wildcard
 * ({@code *.preview.example.com}), or {@value #ANY_HOST} for the rules of Ingresses that name no
 * host (nginx's default server: any host no other pattern matches); always lower case without a
 * port or trailing dot. Routes are in
 * the order the translator decided (precedence among equal paths already resolved); the route table
 * re-sorts them for matching.
 *
 * @param hostPattern lower-case host name, {@code *.}-prefixed wildcard, or {@value #ANY_HOST}
 * @param routes the host's routes
 */
public record VirtualHost(String hostPattern, List<Route> routes) {

  /** The pattern of host-less rules: matches any host that no exact or wildcard pattern matches. */
  public static final String ANY_HOST = "_";

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

  /** Whether this holds the rules of Ingresses that name no host. */
  public boolean isAnyHost() {
    return hostPattern.equals(ANY_HOST);
  }

  /** Whether the pattern is a {@code *.domain} wildcard. */
  public boolean isWildcard() {
    return hostPattern.startsWith("*.");
  }
}
