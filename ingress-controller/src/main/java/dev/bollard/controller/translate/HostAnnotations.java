package dev.bollard.controller.translate;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.AppRoot;
import dev.bollard.proxy.step.WwwRedirect;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The annotations that act on a whole host rather than on the routes of one Ingress, as nginx
 * server settings do in ingress-nginx. Runs once the paths are claimed and TLS is bound, on the
 * whole snapshot.
 *
 * <ul>
 *   <li>{@code app-root}: a request for exactly {@code /} on the Ingress's hosts is answered 302 to
 *       the app root, whichever Ingress's route would serve {@code /} (in ingress-nginx it is an
 *       {@code if} of the server, before any location): every route of the host gets the {@link
 *       AppRoot} step, and a host where no route's path is {@code /} gets an {@code Exact /} route
 *       that only redirects. The oldest Ingress wins a host.
 *   <li>{@code from-to-www-redirect}: the other name ({@code www.} added or removed) gets a virtual
 *       host whose one route answers 308 to the Ingress's host ({@link WwwRedirect}), unless an
 *       Ingress defines that name itself: then its rules win and the redirect is a problem.
 *   <li>{@code server-alias}: each name (comma-separated) serves the routes of the Ingress's hosts,
 *       all of them, whichever Ingress they came from, as nginx's {@code server_name} aliases a
 *       whole server. A name an Ingress defines as a host keeps its own rules (the alias is a
 *       problem); the oldest Ingress wins a host's aliases and an alias name.
 * </ul>
 *
 * <p>A name added by a redirect or an alias gets the certificate of the host it belongs to when
 * that certificate covers it ({@link AddedNameCertificates}).
 */
final class HostAnnotations {

  static final String APP_ROOT = "nginx.ingress.kubernetes.io/app-root";
  static final String FROM_TO_WWW = "nginx.ingress.kubernetes.io/from-to-www-redirect";
  static final String SERVER_ALIAS = "nginx.ingress.kubernetes.io/server-alias";

  /** Every annotation this class reads. */
  static final List<String> KEYS = List.of(APP_ROOT, FROM_TO_WWW, SERVER_ALIAS);

  /** A path of RFC 3986 characters, optionally with a query; no {@code //} (another host). */
  private static final Pattern APP_ROOT_VALUE =
      Pattern.compile(
          "/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?");

  private final List<CheckedIngress> ours;
  private final Map<RouteSource, Ingress> ingresses;
  private final List<Problem> problems;

  /**
   * @param ours the Ingresses served, oldest first
   * @param ingresses the Ingresses by source, for their annotations
   * @param problems where bad values and lost names are reported
   */
  HostAnnotations(List<CheckedIngress> ours, Map<RouteSource, Ingress> ingresses,
      List<Problem> problems) {
    this.ours = ours;
    this.ingresses = ingresses;
    this.problems = problems;
  }

  /** The snapshot with the Ingresses' host annotations applied. */
  RoutingSnapshot apply(RoutingSnapshot snapshot) {
    Map<String, Owned<AppRoot>> appRoots = new LinkedHashMap<>();
    Map<String, RouteSource> toWww = new LinkedHashMap<>();
    Map<String, Owned<List<String>>> aliases = new LinkedHashMap<>();
    for (CheckedIngress ingress : ours) {
      Ingress resource = ingresses.get(ingress.source());
      Map<String, String> annotations =
          resource == null ? null : resource.getMetadata().getAnnotations();
      if (annotations != null && !annotations.isEmpty()) {
        read(ingress, annotations, appRoots, toWww, aliases);
      }
    }
    if (appRoots.isEmpty() && toWww.isEmpty() && aliases.isEmpty()) {
      return snapshot;
    }

    Map<String, List<Route>> hosts = new TreeMap<>();
    snapshot.virtualHosts().forEach(v -> hosts.put(v.hostPattern(), v.routes()));
    Set<String> defined = Set.copyOf(hosts.keySet());
    appRoots.forEach((host, root) -> hosts.computeIfPresent(host,
        (h, routes) -> withAppRoot(routes, root)));
    Map<String, Added> added = new LinkedHashMap<>();
    toWww.forEach((host, source) -> addRedirect(host, source, hosts, defined, added));
    aliases.forEach((host, names) -> addAliases(host, names, hosts, defined, added));

    List<VirtualHost> virtualHosts = new ArrayList<>();
    hosts.forEach((pattern, routes) -> virtualHosts.add(new VirtualHost(pattern, routes)));
    return new RoutingSnapshot(snapshot.version(), virtualHosts, snapshot.defaultBackend(),
        snapshot.settings(), new AddedNameCertificates(snapshot.tls(), problems).extend(added));
  }

  private void read(CheckedIngress ingress, Map<String, String> annotations,
      Map<String, Owned<AppRoot>> appRoots, Map<String, RouteSource> toWww,
      Map<String, Owned<List<String>>> aliases) {
    RouteSource source = ingress.source();
    List<String> hosts = new ArrayList<>(ingress.hosts());
    if (ingress.paths().stream()
        .anyMatch(p -> p.hostPattern().equals(SnapshotTranslator.DEFAULT_SERVER))) {
      hosts.add(SnapshotTranslator.DEFAULT_SERVER);
    }
    String root = annotations.get(APP_ROOT);
    if (root != null) {
      Optional<AppRoot> parsed = appRoot(source, root);
      for (String host : parsed.isPresent() ? hosts : List.<String>of()) {
        Owned<AppRoot> owner = appRoots.putIfAbsent(host, new Owned<>(source, parsed.get()));
        if (owner != null && !owner.value().equals(parsed.get())) {
          problems.add(new Problem(source, field(APP_ROOT), hostLabel(host) + " already redirects"
              + " / to " + owner.value().root() + " (app-root of the older " + owner.source()
              + "); this value is ignored there. Set one app-root per host."));
        }
      }
    }
    String www = annotations.get(FROM_TO_WWW);
    if (www != null && bool(source, www)) {
      for (String host : hosts) {
        if (host.equals(SnapshotTranslator.DEFAULT_SERVER) || host.startsWith("*.")) {
          problems.add(new Problem(source, field(FROM_TO_WWW), "no redirect for "
              + hostLabel(host) + ": only a host name has a www name. Name the host in the rule."));
        } else {
          toWww.putIfAbsent(host, source);
        }
      }
    }
    String alias = annotations.get(SERVER_ALIAS);
    Optional<List<String>> names = alias == null ? Optional.empty() : aliasNames(source, alias);
    for (String host : names.isPresent() ? hosts : List.<String>of()) {
      if (host.equals(SnapshotTranslator.DEFAULT_SERVER)) {
        problems.add(new Problem(source, field(SERVER_ALIAS), "ignored for rules without host:"
            + " they already serve every name no other rule names."));
        continue;
      }
      Owned<List<String>> owner = aliases.putIfAbsent(host, new Owned<>(source, names.get()));
      if (owner != null && !owner.value().equals(names.get())) {
        problems.add(new Problem(source, field(SERVER_ALIAS), hostLabel(host)
            + " already has the aliases " + String.join(",", owner.value()) + " of the older "
            + owner.source() + "; these are ignored there (ingress-nginx keeps the first)."));
      }
    }
  }

  private Optional<AppRoot> appRoot(RouteSource source, String value) {
    if (value.equals("/")) {
      problems.add(FeatureAnnotations.refused(source, APP_ROOT, value,
          "redirecting / to / would loop; name the application's path, such as /app"));
      return Optional.empty();
    }
    if (!APP_ROOT_VALUE.matcher(value).matches()) {
      problems.add(FeatureAnnotations.refused(source, APP_ROOT, value,
          "expected a path on the same host, such as /app or /app/?tab=1"));
      return Optional.empty();
    }
    return Optional.of(new AppRoot(value));
  }

  /** Go's {@code strconv.ParseBool}, which ingress-nginx reads boolean annotations with. */
  private boolean bool(RouteSource source, String value) {
    switch (value.strip()) {
      case "1", "t", "T", "true", "TRUE", "True":
        return true;
      case "0", "f", "F", "false", "FALSE", "False":
        return false;
      default:
        problems.add(FeatureAnnotations.refused(source, FROM_TO_WWW, value,
            "expected \"true\" or \"false\""));
        return false;
    }
  }

  private Optional<List<String>> aliasNames(RouteSource source, String value) {
    Set<String> names = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      String normal = HostNames.normalize(name);
      if (normal == null) {
        problems.add(FeatureAnnotations.refused(source, SERVER_ALIAS, value,
            "'" + name + "' is no host name (expected: comma-separated names such as"
                + " shop.example.com,*.shop.example.com)"));
        return Optional.empty();
      }
      names.add(normal);
    }
    if (names.isEmpty()) {
      problems.add(FeatureAnnotations.refused(source, SERVER_ALIAS, value,
          "expected comma-separated host names"));
      return Optional.empty();
    }
    return Optional.of(List.copyOf(names));
  }

  private static List<Route> withAppRoot(List<Route> routes, Owned<AppRoot> root) {
    List<Route> out = new ArrayList<>();
    boolean servesRoot = false;
    for (Route route : routes) {
      servesRoot |= route.path().path().equals("/");
      out.add(route.withFeatures(List.of(root.value())));
    }
    if (!servesRoot) {
      // Nothing would serve "/": a route that only redirects, so the request is not a 404.
      out.add(new Route(new PathMatch.Exact("/"), backendOf(routes, root.source()),
          root.source()).withFeatures(List.of(root.value())));
    }
    return out;
  }

  private void addRedirect(String host, RouteSource source, Map<String, List<Route>> hosts,
      Set<String> defined, Map<String, Added> added) {
    String other = host.startsWith("www.") ? host.substring(4) : "www." + host;
    boolean addedBefore = hosts.containsKey(other) && !defined.contains(other);
    if (HostNames.normalize(other) == null || addedBefore) {
      return;
    }
    if (defined.contains(other)) {
      problems.add(new Problem(source, field(FROM_TO_WWW), "no redirect from " + other + " to "
          + host + ": an Ingress defines host " + other + ", whose own rules win (as in"
          + " ingress-nginx). Remove that host or this annotation."));
      return;
    }
    hosts.put(other, List.of(new Route(new PathMatch.Prefix("/"),
        backendOf(hosts.getOrDefault(host, List.of()), source), source)
        .withFeatures(List.of(new WwwRedirect(host)))));
    added.put(other, new Added(host, source, FROM_TO_WWW));
  }

  private void addAliases(String host, Owned<List<String>> names, Map<String, List<Route>> hosts,
      Set<String> defined, Map<String, Added> added) {
    for (String alias : names.value()) {
      if (alias.equals(host)) {
        continue;
      }
      if (defined.contains(alias)) {
        problems.add(new Problem(names.source(), field(SERVER_ALIAS), "alias " + alias + " of "
            + hostLabel(host) + " is not applied: an Ingress defines host " + alias + ", whose own"
            + " rules win (as in ingress-nginx). Remove the alias or that host."));
      } else if (added.containsKey(alias)) {
        Added owner = added.get(alias);
        problems.add(new Problem(names.source(), field(SERVER_ALIAS), "alias " + alias + " of "
            + hostLabel(host) + " is not applied: it already serves " + owner.host() + " ("
            + owner.annotation().substring(owner.annotation().indexOf('/') + 1) + " of "
            + owner.source() + "). Keep the name on one host."));
      } else {
        hosts.put(alias, hosts.getOrDefault(host, List.of()));
        added.put(alias, new Added(host, names.source(), SERVER_ALIAS));
      }
    }
  }

  /** A backend for a route that only answers: the host's first, else one without endpoints. */
  private static Backend backendOf(List<Route> routes, RouteSource source) {
    return routes.stream().filter(r -> r.source().equals(source)).findFirst()
        .or(() -> routes.stream().findFirst())
        .map(Route::backend)
        .orElseGet(() -> new Backend(source.namespace() + "/" + source.name() + ":redirect",
            List.of()));
  }

  static String field(String key) {
    return "metadata.annotations[" + key + "]";
  }

  private static String hostLabel(String pattern) {
    return pattern.equals(SnapshotTranslator.DEFAULT_SERVER)
        ? "rules without host" : "host " + pattern.toLowerCase(Locale.ROOT);
  }

  /** A value and the Ingress that set it first. */
  private record Owned<T>(RouteSource source, T value) {}

  /** A name this class added: the host it belongs to, and which annotation of which Ingress. */
  record Added(String host, RouteSource source, String annotation) {}
}
