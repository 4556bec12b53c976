package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Compact builders for expected snapshots. */
final class Snapshots {

  /** What a translation without any config version serves: every key's default. */
  private static final GlobalSettings NO_CONFIG =
      new SnapshotTranslator(IngressClassSelection.defaults())
          .translate(ResourceStore.empty())
          .snapshot()
          .settings();

  private Snapshots() {}

  static RoutingSnapshot snapshot(@Nullable Backend defaultBackend, VirtualHost... hosts) {
    return new RoutingSnapshot(0, List.of(hosts), defaultBackend).withSettings(NO_CONFIG);
  }

  static RoutingSnapshot snapshot(VirtualHost... hosts) {
    return snapshot(null, hosts);
  }

  static VirtualHost host(String pattern, Route... routes) {
    return new VirtualHost(pattern, List.of(routes));
  }

  /** A route from Ingress {@code namespace/name}. */
  static Route exact(String path, Backend backend, String ingress) {
    return new Route(new PathMatch.Exact(path), backend, source(ingress));
  }

  static Route prefix(String path, Backend backend, String ingress) {
    return new Route(new PathMatch.Prefix(path), backend, source(ingress));
  }

  static Route specific(String path, Backend backend, String ingress) {
    return new Route(new PathMatch.ImplementationSpecific(path), backend, source(ingress));
  }

  /** A backend; endpoints written {@code host:port}, the port after the last colon. */
  static Backend backend(String id, String... endpoints) {
    return new Backend(id, endpoints(endpoints));
  }

  /** {@code backend} with endpoints the cluster lists as not ready (never sent traffic). */
  static Backend withNotReady(Backend backend, String... notReady) {
    return new Backend(backend.id(), backend.endpoints(), endpoints(notReady));
  }

  private static java.util.List<Endpoint> endpoints(String... endpoints) {
    return Arrays.stream(endpoints)
        .map(
            e -> {
              int colon = e.lastIndexOf(':');
              return new Endpoint(
                  e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
            })
        .toList();
  }

  private static RouteSource source(String ingress) {
    int slash = ingress.indexOf('/');
    return RouteSource.ingress(ingress.substring(0, slash), ingress.substring(slash + 1));
  }
}
