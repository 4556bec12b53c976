package dev.bollard.proxy.routing;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RoutingSnapshot} compiled for fast lookup; immutable and safe to share between threads.
 *
 * <p>Host lookup, in order: the exact host; then the single-label wildcard ({@code *.foo.com}
 * matches {@code bar.foo.com}, not {@code baz.bar.foo.com} nor {@code foo.com}); then the rules of
 * host-less Ingresses ({@link VirtualHost#ANY_HOST}); then the snapshot's default backend. Hosts are
 * compared case-insensitively, without a port or a trailing dot.
 *
 * <p>Path lookup within the chosen host follows the Ingress specification: an {@code Exact} path
 * equal to the request path wins; otherwise the longest {@code Prefix} (or {@code
 * ImplementationSpecific}) path that matches element by element; a trailing slash on either side is
 * ignored. Among equal paths the earlier route of the snapshot wins (the translator puts the older
 * Ingress first). When the host matched but no path did, the request goes to the default backend,
 * as with ingress-nginx, and not to a less specific host.
 *
 * <p>Paths are matched after normalisation (percent-decoding, merging of slashes, removal of
 * {@code .} and {@code ..} segments), the way nginx selects a location, so {@code /public/../admin}
 * is matched as {@code /admin}.
 */
public final class RouteTable {

  private final RoutingSnapshot snapshot;
  private final Map<String, HostRoutes> exactHosts;
  /** Wildcard hosts keyed by the domain after {@code *.}. */
  private final Map<String, HostRoutes> wildcardHosts;

  private final @Nullable HostRoutes anyHost;
  private final RouteMatch defaultMatch;

  private RouteTable(RoutingSnapshot snapshot) {
    this.snapshot = snapshot;
    Backend fallback = snapshot.defaultBackend();
    this.defaultMatch = fallback == null ? RouteMatch.none() : RouteMatch.defaultBackend(fallback);
    Map<String, HostRoutes> exact = new HashMap<>();
    Map<String, HostRoutes> wildcard = new HashMap<>();
    HostRoutes any = null;
    for (VirtualHost vhost : snapshot.virtualHosts()) {
      HostRoutes routes = new HostRoutes(vhost.routes());
      if (vhost.isAnyHost()) {
        any = any == null ? routes : any.plus(vhost.routes());
      } else if (vhost.isWildcard()) {
        wildcard.merge(vhost.hostPattern().substring(2), routes, (a, b) -> a.plus(vhost.routes()));
      } else {
        exact.merge(vhost.hostPattern(), routes, (a, b) -> a.plus(vhost.routes()));
      }
    }
    this.exactHosts = Map.copyOf(exact);
    this.wildcardHosts = Map.copyOf(wildcard);
    this.anyHost = any;
  }

  /** Compiles a snapshot for lookup. Runs on the publishing thread, never per request. */
  public static RouteTable compile(RoutingSnapshot snapshot) {
    return new RouteTable(snapshot);
  }

  /** The snapshot this table was compiled from. */
  public RoutingSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Finds where a request goes; never null.
   *
   * @param authority the {@code Host} header as received: any case, possibly with a port or a
   *     trailing dot
   * @param path the request path without the query string
   */
  public RouteMatch match(String authority, String path) {
    HostRoutes routes = findHost(normalizeHost(authority));
    if (routes == null) {
      return defaultMatch;
    }
    Route route = routes.find(normalizePath(path));
    return route == null ? defaultMatch : RouteMatch.of(route);
  }

  private @Nullable HostRoutes findHost(String host) {
    HostRoutes routes = exactHosts.get(host);
    if (routes != null) {
      return routes;
    }
    int dot = host.indexOf('.');
    if (dot > 0 && !wildcardHosts.isEmpty()) {
      routes = wildcardHosts.get(host.substring(dot + 1));
      if (routes != null) {
        return routes;
      }
    }
    return anyHost;
  }

  /**
   * Lower-cases a {@code Host} header value and removes its port and trailing dot; IPv6 literals
   * keep their brackets.
   */
  public static String normalizeHost(String authority) {
    String host = authority;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close > 0 ? host.substring(0, close + 1) : host;
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon);
      }
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * The path as nginx matches locations: percent-decoded, slashes merged, dot segments removed.
   * Undecodable input is matched as received (the request validator rejects it earlier).
   */
  public static String normalizePath(String path) {
    if (path.isEmpty()) {
      return "/";
    }
    boolean simple = path.charAt(0) == '/';
    for (int i = 0; simple && i < path.length(); i++) {
      char c = path.charAt(i);
      simple = c != '%' && !(c == '/' && i > 0 && (path.charAt(i - 1) == '/'))
          && !(c == '.' && path.charAt(i - 1) == '/');
    }
    return simple ? path : PathNormalizer.normalize(path);
  }

  /** The routes of one host, prepared for path lookup. */
  private static final class HostRoutes {
    private final List<Route> all;
    private final Map<String, Route> exact;
    /** Prefix routes, longest normalised prefix first; equal lengths keep snapshot order. */
    private final List<PrefixRoute> prefixes;

    HostRoutes(List<Route> routes) {
      this.all = List.copyOf(routes);
      Map<String, Route> exactPaths = new HashMap<>();
      List<PrefixRoute> prefixRoutes = new ArrayList<>();
      for (Route route : routes) {
        if (route.path() instanceof PathMatch.Exact e) {
          exactPaths.putIfAbsent(e.path(), route);
        } else {
          prefixRoutes.add(new PrefixRoute(stripTrailingSlash(route.path().path()), route));
        }
      }
      // Stable sort: among equal prefixes the earlier (older) route stays first.
      prefixRoutes.sort(Comparator.comparingInt((PrefixRoute p) -> p.prefix.length()).reversed());
      this.exact = Map.copyOf(exactPaths);
      this.prefixes = List.copyOf(prefixRoutes);
    }

    HostRoutes plus(List<Route> more) {
      List<Route> merged = new ArrayList<>(all);
      merged.addAll(more);
      return new HostRoutes(merged);
    }

    @Nullable Route find(String path) {
      Route route = exact.get(path);
      if (route != null) {
        return route;
      }
      for (PrefixRoute p : prefixes) {
        if (p.matches(path)) {
          return p.route;
        }
      }
      return null;
    }

    private static String stripTrailingSlash(String path) {
      int end = path.length();
      while (end > 0 && path.charAt(end - 1) == '/') {
        end--;
      }
      return path.substring(0, end);
    }
  }

  /** A prefix without its trailing slash ({@code ""} for {@code /}). */
  private record PrefixRoute(String prefix, Route route) {
    boolean matches(String path) {
      int n = prefix.length();
      return path.startsWith(prefix) && (path.length() == n || path.charAt(n) == '/');
    }
  }
}
