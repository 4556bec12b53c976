package dev.bollard.proxy.testing;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.util.Arrays;
import java.util.List;

/** Builds small snapshots for tests: one catch-all route per host. */
public final class Snapshots {

  private Snapshots() {}

  /** A backend whose endpoints are the given test backends. */
  public static Backend backend(String id, TestBackend... backends) {
    return new Backend(id, Arrays.stream(backends).map(TestBackend::endpoint).sorted().toList());
  }

  /** A backend with the given endpoints (none: a Service with nothing ready). */
  public static Backend backend(String id, Endpoint... endpoints) {
    return new Backend(id, Arrays.stream(endpoints).sorted().toList());
  }

  /** A virtual host whose every path ({@code Prefix /}) goes to {@code backend}. */
  public static VirtualHost host(String hostName, Backend backend) {
    return new VirtualHost(
        hostName,
        List.of(new Route(new PathMatch.Prefix("/"), backend,
            RouteSource.ingress("test", hostName))));
  }

  /** A snapshot of the given hosts and no default backend. */
  public static RoutingSnapshot of(VirtualHost... hosts) {
    return new RoutingSnapshot(0, List.of(hosts), null);
  }

  /** A snapshot of the given hosts with a default backend. */
  public static RoutingSnapshot withDefault(Backend defaultBackend, VirtualHost... hosts) {
    return new RoutingSnapshot(0, List.of(hosts), defaultBackend);
  }
}
