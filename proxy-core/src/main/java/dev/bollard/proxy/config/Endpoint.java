package dev.bollard.proxy.config;

/**
 * One address an upstream connection can be opened to.
 *
 * <p>{@code host} is an IP literal for pod endpoints and a DNS name for {@code ExternalName}
 * Services; names are resolved when a connection is opened, never on an event loop's hot path for
 * IP literals.
 *
 * @param host IP literal or DNS name
 * @param port TCP port, 1 to 65535
 */
public record Endpoint(String host, int port) implements Comparable<Endpoint> {

  public Endpoint {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: \"\" (expected: an IP address or DNS name)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }

  @Override
  public int compareTo(Endpoint o) {
    int c = host.compareTo(o.host);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
