package dev.bollard.proxy.routing;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.clientip.RealIpPolicy;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.http.RequestPaths;
import dev.bollard.proxy.step.RateLimiters;
import dev.bollard.proxy.step.StepChain;
import dev.bollard.proxy.step.StepChains;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
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
 * <p>A host with a {@link PathMatch.Regex} route is matched differently, as ingress-nginx's nginx
 * matches a server where an Ingress uses {@code use-regex} or {@code rewrite-target}: every path of
 * the host is a case-insensitive regular expression anchored at the start, longest first, first
 * match wins ({@link RegexLocations}).
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
  private final @Nullable Backend defaultBackend;
  /** The chain of requests for hosts the snapshot does not name. */
  private final StepChain unknownHostSteps;
  private final RealIpPolicy realIp;

  private RouteTable(RoutingSnapshot snapshot, RateLimiters.Generation limiters) {
    this.snapshot = snapshot;
    GlobalSettings s = snapshot.settings();
    this.realIp = new RealIpPolicy(CidrSet.parse(s.realIpCidrs()), s.useForwardedHeaders(),
        s.edge().enableRealIp(), s.edge().forwardedForHeader());
    this.defaultBackend = snapshot.defaultBackend();
    this.unknownHostSteps = StepChains.withoutRoute(null, snapshot);
    Map<String, List<VirtualHost>> exact = new HashMap<>();
    Map<String, List<VirtualHost>> wildcard = new HashMap<>();
    List<VirtualHost> any = new ArrayList<>();
    for (VirtualHost vhost : snapshot.virtualHosts()) {
      if (vhost.isAnyHost()) {
        any.add(vhost);
      } else if (vhost.isWildcard()) {
        wildcard.computeIfAbsent(vhost.hostPattern().substring(2), k -> new ArrayList<>())
            .add(vhost);
      } else {
        exact.computeIfAbsent(vhost.hostPattern(), k -> new ArrayList<>()).add(vhost);
      }
    }
    this.exactHosts = compileAll(exact, snapshot, limiters);
    this.wildcardHosts = compileAll(wildcard, snapshot, limiters);
    this.anyHost = any.isEmpty() ? null : new HostRoutes(any, snapshot, limiters);
  }

  private static Map<String, HostRoutes> compileAll(
      Map<String, List<VirtualHost>> hosts, RoutingSnapshot snapshot,
      RateLimiters.Generation limiters) {
    Map<String, HostRoutes> compiled = new HashMap<>();
    hosts.forEach((key, vhosts) -> compiled.put(key, new HostRoutes(vhosts, snapshot, limiters)));
    return Map.copyOf(compiled);
  }

  /**
   * Compiles a snapshot for lookup, with the step chain of every route. Runs on the publishing
   * thread, never per request.
   */
  public static RouteTable compile(RoutingSnapshot snapshot) {
    return new RouteTable(snapshot, RateLimiters.fresh());
  }

  /**
   * Compiles {@code snapshot}, its routes' rate limiters taken from {@code limiters} (kept from the
   * previous snapshot where the limits did not change); finishes the generation.
   */
  public static RouteTable compile(RoutingSnapshot snapshot, RateLimiters limiters) {
    RateLimiters.Generation generation = limiters.begin();
    RouteTable table = new RouteTable(snapshot, generation);
    generation.finish();
    return table;
  }

  /** The snapshot this table was compiled from. */
  public RoutingSnapshot snapshot() {
    return snapshot;
  }

  /**
   * How the snapshot's settings read the client address (trusted proxies, PROXY protocol,
   * forwarded-for), compiled once with the table.
   */
  public RealIpPolicy realIp() {
    return realIp;
  }

  /**
   * Finds where a request goes and what runs before it is forwarded; never null.
   *
   * @param authority the {@code Host} header as received: any case, possibly with a port or a
   *     trailing dot
   * @param rawPath the request path without the query string, as received
   */
  public Routed match(String authority, String rawPath) {
    String host = RequestPaths.normalizeHost(authority);
    String path = RequestPaths.normalizePath(rawPath);
    HostRoutes routes = findHost(host);
    if (routes == null) {
      return new Routed(null, defaultBackend, host, path, unknownHostSteps);
    }
    CompiledRoute found = routes.find(path);
    if (found == null) {
      return new Routed(null, defaultBackend, host, path, routes.withoutRoute);
    }
    return new Routed(found.route, found.route.backend(), host, path, found.steps);
  }

  /** The location paths of a regex host in matching order; empty for other hosts (for tests). */
  List<String> regexOrder(String host) {
    HostRoutes routes = findHost(host);
    return routes == null || routes.regex == null ? List.of() : routes.regex.order();
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

  /** A route and its compiled chain. */
  private record CompiledRoute(Route route, StepChain steps) {}

  /** The routes of one host, prepared for path lookup. */
  private static final class HostRoutes {
    private final Map<String, CompiledRoute> exact;
    /** Prefix routes, longest normalised prefix first; equal lengths keep snapshot order. */
    private final List<PrefixRoute> prefixes;
    /** All routes, when the host has a regex path; then {@link #exact} and prefixes are empty. */
    private final @Nullable RegexLocations<CompiledRoute> regex;
    /** The chain of requests of this host that no route serves. */
    private final StepChain withoutRoute;

    HostRoutes(List<VirtualHost> vhosts, RoutingSnapshot snapshot,
        RateLimiters.Generation limiters) {
      Map<String, CompiledRoute> exactPaths = new HashMap<>();
      List<PrefixRoute> prefixRoutes = new ArrayList<>();
      List<PathMatch> paths = new ArrayList<>();
      List<CompiledRoute> all = new ArrayList<>();
      for (VirtualHost vhost : vhosts) {
        for (Route route : vhost.routes()) {
          CompiledRoute compiled =
              new CompiledRoute(route, StepChains.forRoute(route, vhost, snapshot, limiters));
          paths.add(route.path());
          all.add(compiled);
          if (route.path() instanceof PathMatch.Exact e) {
            exactPaths.putIfAbsent(e.path(), compiled);
          } else {
            prefixRoutes.add(new PrefixRoute(stripTrailingSlash(route.path().path()), compiled));
          }
        }
      }
      // Stable sort: among equal prefixes the earlier (older) route stays first.
      prefixRoutes.sort(Comparator.comparingInt((PrefixRoute p) -> p.prefix.length()).reversed());
      if (RegexLocations.isRegexHost(paths)) {
        this.regex = RegexLocations.of(paths, all);
        this.exact = Map.of();
        this.prefixes = List.of();
      } else {
        this.regex = null;
        this.exact = Map.copyOf(exactPaths);
        this.prefixes = List.copyOf(prefixRoutes);
      }
      // Several virtual hosts share a key only for equal patterns: the first one speaks for all.
      this.withoutRoute = StepChains.withoutRoute(vhosts.get(0), snapshot);
    }

    @Nullable CompiledRoute find(String path) {
      if (regex != null) {
        return regex.find(path);
      }
      CompiledRoute route = exact.get(path);
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
  private record PrefixRoute(String prefix, CompiledRoute route) {
    boolean matches(String path) {
      int n = prefix.length();
      return path.startsWith(prefix) && (path.length() == n || path.charAt(n) == '/');
    }
  }
}
