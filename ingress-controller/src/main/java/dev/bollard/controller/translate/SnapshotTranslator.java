package dev.bollard.controller.translate;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.Canary;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Translates what a source read into everything a rebuild needs ({@link TranslationResult}): the
 * {@link RoutingSnapshot}, the problems, the global config's verdict ({@link GlobalConfig}) and
 * the desired Ingress status ({@link IngressStatusPlan}). A pure, deterministic function with
 * ingress-nginx's semantics: what must carry across rebuilds (the settings last in force) comes in
 * as a {@link GlobalConfig.History} and goes out in the verdict.
 *
 * <ol>
 *   <li>Keep the Ingresses {@link IngressClassSelection} calls ours; ignore the rest silently.
 *   <li>Check each against the API's rules ({@link IngressChecker}); an Ingress that breaks one is
 *       skipped whole, with a problem per broken field.
 *   <li>Turn the paths of Ingresses with {@code use-regex} or a rewriting {@code rewrite-target}
 *       into regex paths ({@link RegexAnnotations}); one RE2 cannot compile is skipped with a
 *       problem.
 *   <li>Walk the rest oldest first ({@link CheckedIngress#OLDEST_FIRST}). Each path claims its
 *       (host, pathType, path) key; a key already claimed by an older Ingress, or earlier in the
 *       same Ingress, is dropped with a problem naming the owner. A path whose backend does not
 *       resolve ({@link BackendResolver}) is skipped with a problem and claims nothing.
 *   <li>The oldest Ingress whose {@code spec.defaultBackend} resolves sets the snapshot's default
 *       backend; later ones are reported and ignored.
 *   <li>Each annotation of ingress-nginx that Bollard does not apply is reported ({@link
 *       UnhonouredAnnotations}, from the table {@code compat.IngressNginx}).
 * </ol>
 *
 * <p>A rule without host goes to the virtual host {@value #DEFAULT_SERVER} (nginx's default
 * server), which serves any host that no exact or wildcard host matches. Every host a selected
 * Ingress names has a virtual host, even one without routes (a rule without {@code http}, or none
 * of its backends resolved): its requests go to the default backend, never to the host-less
 * rules, as ingress-nginx gives every host a server of its own. For claiming, Prefix and
 * ImplementationSpecific paths ignore a trailing slash ({@code /api} and {@code /api/} match the
 * same requests); Exact and regex paths are compared as written. Output is sorted: virtual hosts
 * by pattern, routes by path, then Exact before Prefix before ImplementationSpecific before regex;
 * endpoints by address and port; problems by resource. {@code spec.tls} and the TLS annotations
 * are read by {@link TlsTranslation}, {@code ssl-passthrough} by {@link SslPassthroughTranslation},
 * the client certificate annotations ({@code auth-tls-*}) by {@link ClientCertAnnotations}.
 */
public final class SnapshotTranslator {

  /** The host pattern of rules without a host: nginx's default server name. */
  public static final String DEFAULT_SERVER = VirtualHost.ANY_HOST;

  private static final Comparator<Route> ROUTE_ORDER =
      Comparator.comparing((Route r) -> r.path().path()).thenComparing(r -> typeRank(r.path()));

  private static final List<String> TYPE_NAMES =
      List.of("Exact", "Prefix", "ImplementationSpecific", "regex");

  private final IngressClassSelection classes;
  private final GlobalConfig config;
  private final IngressStatusPlan.Address statusAddress;

  /**
   * @param classes which Ingresses are ours
   * @param config the config family to follow and its pin
   * @param statusAddress the address written to our Ingresses' status, or {@link
   *     IngressStatusPlan.Address#NONE}
   */
  public SnapshotTranslator(
      IngressClassSelection classes,
      GlobalConfig config,
      IngressStatusPlan.Address statusAddress) {
    this.classes = classes;
    this.config = config;
    this.statusAddress = statusAddress;
  }

  /** Follows the default config family {@code default/bollard}, writes no status. */
  public SnapshotTranslator(IngressClassSelection classes) {
    this(
        classes,
        new GlobalConfig(
            new ConfigFamily(ResourceStore.DEFAULT_NAMESPACE, ConfigFamily.DEFAULT_NAME), -1),
        IngressStatusPlan.Address.NONE);
  }

  /** {@link #translate(SourceRead, GlobalConfig.History)} of a first read without problems. */
  public TranslationResult translate(ResourceStore store) {
    return translate(SourceRead.of(store), GlobalConfig.History.EMPTY);
  }

  /**
   * The whole answer for one rebuild.
   *
   * @param read the source's resources and the problems it met reading them
   * @param history what the previous rebuild's verdict passed on ({@link
   *     GlobalConfig.History#EMPTY} at first)
   */
  public TranslationResult translate(SourceRead read, GlobalConfig.History history) {
    ResourceStore store = read.store();
    List<Problem> problems = new ArrayList<>();
    Set<Ingress> selected = Collections.newSetFromMap(new IdentityHashMap<>());
    GlobalConfig.Verdict verdict = config.resolve(store, history);
    RoutingSnapshot routes =
        routes(store, problems, selected, verdict.state().settings());
    List<Problem> all = new ArrayList<>(read.problems());
    all.addAll(problems);
    // The global guard's policy refers to a Secret: resolved here, with its problems last.
    // So do proxy-set-headers and add-headers, to ConfigMaps.
    RoutingSnapshot snapshot = routes.withSettings(GlobalHeaderMaps.resolve(
        AuthPolicies.resolveGlobal(verdict.state().settings(), store, all),
        verdict.state().active(), store, all));
    return new TranslationResult(
        snapshot, all, verdict, IngressStatusPlan.of(store, selected, statusAddress));
  }

  /**
   * The routes, default backend and TLS of our Ingresses; {@code selected} gets them. Snippet
   * annotations are translated only with {@code allow-snippet-annotations}; a broken {@code
   * custom-headers} refuses the Ingress's routes with {@code bollard-custom-headers-fail-closed};
   * {@code settings} also gives the global external authentication.
   */
  private RoutingSnapshot routes(ResourceStore store, List<Problem> problems,
      Set<Ingress> selected, GlobalSettings settings) {
    boolean allowSnippets = settings.allowSnippetAnnotations();
    boolean customHeadersFailClosed = settings.customHeadersFailClosed();
    IngressChecker checker = new IngressChecker(problems);
    RegexAnnotations regex = new RegexAnnotations(problems);
    List<CheckedIngress> ours = new ArrayList<>();
    for (Ingress ingress : store.ingresses()) {
      if (classes.selects(ingress, store)) {
        selected.add(ingress);
        checker.check(ingress).map(c -> regex.paths(c, ingress)).ifPresent(ours::add);
      }
    }
    ours.sort(CheckedIngress.OLDEST_FIRST);

    EdgeAnnotations edges = new EdgeAnnotations(store, problems, customHeadersFailClosed);
    AuthPolicies auth = new AuthPolicies(store, problems);
    Map<RouteSource, Ingress> byName = new HashMap<>();
    store.ingresses().forEach(i -> byName.put(CheckedIngress.sourceOf(i), i));
    // Canary Ingresses serve no path of their own: they are merged onto the main routes below.
    List<CheckedIngress> canaries = new ArrayList<>();
    for (var it = ours.iterator(); it.hasNext(); ) {
      CheckedIngress ingress = it.next();
      Ingress resource = byName.get(ingress.source());
      CanaryAnnotations.Kind kind = CanaryAnnotations.kind(resource, ingress.source(), problems);
      if (kind != CanaryAnnotations.Kind.MAIN) {
        it.remove();
        UnhonouredAnnotations.report(resource, ingress.source(), problems);
        if (kind == CanaryAnnotations.Kind.CANARY) {
          canaries.add(ingress);
        }
      }
    }
    UpstreamAnnotations upstreams = new UpstreamAnnotations(store, byName, problems);
    BackendResolver resolver = new BackendResolver(store, problems, upstreams);
    FeatureAnnotations features = new FeatureAnnotations(byName, problems, allowSnippets);
    features.claimServerSnippets(ours);
    ErrorPageAnnotations errorPages = new ErrorPageAnnotations(byName, store, resolver, problems);
    ClientCertAnnotations clientCerts = new ClientCertAnnotations(ours, byName, store, problems);
    AffinityAnnotations affinity = new AffinityAnnotations(byName, problems);
    ExternalAuthAnnotations externalAuth =
        new ExternalAuthAnnotations(byName, store, settings, problems);
    Map<String, Map<ClaimKey, Claim>> hosts = new TreeMap<>();
    @Nullable CheckedIngress defaultOwner = null;
    @Nullable Backend defaultBackend = null;
    for (CheckedIngress ingress : ours) {
      UnhonouredAnnotations.report(byName.get(ingress.source()), ingress.source(), problems);
      if (ingress.defaultBackend() != null) {
        if (defaultOwner != null) {
          problems.add(
              new Problem(
                  ingress.source(),
                  "spec.defaultBackend",
                  "ignored: the older "
                      + defaultOwner.resource()
                      + " already sets the default backend; remove one of them."));
        } else {
          Optional<Backend> resolved =
              resolver.resolve(
                  ingress.namespace(),
                  ingress.defaultBackend(),
                  ingress.source(),
                  "spec.defaultBackend",
                  "The default backend is not taken from this Ingress.");
          if (resolved.isPresent()) {
            defaultOwner = ingress;
            defaultBackend = resolved.get();
          }
        }
      }
      for (String host : ingress.hosts()) {
        hosts.computeIfAbsent(host, h -> new HashMap<>());
      }
      for (PathRule path : ingress.paths()) {
        claim(
            ingress,
            path,
            hosts.computeIfAbsent(path.hostPattern(), h -> new HashMap<>()),
            resolver,
            auth.forIngress(byName.get(ingress.source()), ingress.source()).orElse(null),
            problems);
      }
    }

    for (CheckedIngress canary : canaries) {
      CanaryAnnotations.Rule rule =
          CanaryAnnotations.rule(byName.get(canary.source()), canary.source(), problems);
      for (PathRule path : canary.paths()) {
        mergeCanary(canary, rule, path, hosts.get(path.hostPattern()), resolver, problems);
      }
    }

    List<VirtualHost> virtualHosts = new ArrayList<>();
    // A host an Ingress names keeps its virtual host even when none of its paths could be served
    // (no http, or every backend unresolved): its requests then get the default backend, as from
    // ingress-nginx, and are never handed to the rules of host-less Ingresses.
    hosts.forEach(
        (pattern, claims) -> virtualHosts.add(
            new VirtualHost(
                pattern,
                claims.values().stream().map(Claim::route).map(edges::apply)
                    .map(route -> features.apply(route, pattern)).map(regex::apply)
                    .map(affinity::apply)
                    .map(errorPages::apply).map(externalAuth::apply)
                    .map(upstreams::refuseIfBroken)
                    .map(route -> clientCerts.apply(route, pattern))
                    .sorted(ROUTE_ORDER).toList())));
    // --enable-ssl-passthrough is a flag: its value reaches translation with the flags' values,
    // which are also the defaults config versions are resolved over.
    Map<String, Backend> passthrough = SslPassthroughTranslation.translate(ours, byName,
        virtualHosts, config.defaults().get(Catalog.ENABLE_SSL_PASSTHROUGH), problems);
    TlsSettings tls = TlsTranslation.translate(ours, store, problems, passthrough.keySet())
        .withPassthrough(passthrough).withClientAuth(clientCerts.byHost());
    RoutingSnapshot snapshot = new HostAnnotations(ours, byName, problems)
        .apply(new RoutingSnapshot(0, virtualHosts, defaultBackend).withTls(tls));
    problems.sort(Comparator.comparing(Problem::resource));
    return snapshot;
  }

  private static void claim(
      CheckedIngress ingress,
      PathRule path,
      Map<ClaimKey, Claim> claims,
      BackendResolver resolver,
      @Nullable BasicAuthPolicy auth,
      List<Problem> problems) {
    ClaimKey key = ClaimKey.of(path.match());
    Claim owner = claims.get(key);
    if (owner != null) {
      String by =
          owner.ingress() == ingress
              ? owner.field() + " of this Ingress"
              : "the older " + owner.ingress().resource();
      problems.add(
          new Problem(
              ingress.source(),
              path.field(),
              hostLabel(path.hostPattern())
                  + ", "
                  + describe(path.match())
                  + " is already served by "
                  + by
                  + "; this path is ignored. Remove the duplicate or change the path."));
      return;
    }
    resolver
        .resolve(
            ingress.namespace(),
            path.backend(),
            ingress.source(),
            path.field() + ".backend",
            "This path is skipped.")
        .ifPresent(
            backend ->
                claims.put(
                    key,
                    new Claim(
                        ingress,
                        path.field(),
                        new Route(path.match(), backend, ingress.source(), auth))));
  }

  /**
   * Adds the canary's backend for {@code path} to the main route of the same host and path
   * ({@code claims}: the host's routes, null if no main Ingress names the host); a problem when
   * there is none or it has a canary already (the older canary keeps it, as in ingress-nginx).
   */
  private static void mergeCanary(
      CheckedIngress canary,
      CanaryAnnotations.Rule rule,
      PathRule path,
      @Nullable Map<ClaimKey, Claim> claims,
      BackendResolver resolver,
      List<Problem> problems) {
    ClaimKey key = ClaimKey.of(path.match());
    Claim main = claims == null ? null : claims.get(key);
    String where = hostLabel(path.hostPattern()) + ", " + describe(path.match());
    if (main == null) {
      problems.add(new Problem(canary.source(), path.field(),
          where + " is served by no main (non-canary) Ingress, and a canary only adds a backend"
              + " to one; this path is ignored. Create the main Ingress with the same host and"
              + " path, or fix this one's."));
      return;
    }
    for (var feature : main.route().features()) {
      if (feature instanceof Canary other) {
        problems.add(new Problem(canary.source(), path.field(),
            where + " of " + main.ingress().resource() + " already has an older canary (backend "
                + other.backend().id() + "); this path is ignored. Keep one canary per path."));
        return;
      }
    }
    resolver
        .resolve(canary.namespace(), path.backend(), canary.source(), main.ingress().source(),
            path.field() + ".backend", "The canary is not applied to this path.")
        .ifPresent(backend -> claims.put(key, new Claim(main.ingress(), main.field(),
            main.route().withFeatures(List.of(rule.toStep(backend))))));
  }

  private static String hostLabel(String pattern) {
    return pattern.equals(DEFAULT_SERVER) ? "rules without host" : "host " + pattern;
  }

  private static String describe(PathMatch match) {
    return TYPE_NAMES.get(typeRank(match)) + " " + match.path();
  }

  private static int typeRank(PathMatch match) {
    if (match instanceof PathMatch.Exact) {
      return 0;
    }
    if (match instanceof PathMatch.Regex) {
      return 3;
    }
    return match instanceof PathMatch.Prefix ? 1 : 2;
  }

  /** What two paths of one host must share to conflict. */
  private record ClaimKey(int type, String path) {
    static ClaimKey of(PathMatch match) {
      String p = match.path();
      // Exact and regex paths are compared as written: /a/ and /a are different expressions.
      if (match instanceof PathMatch.Prefix || match instanceof PathMatch.ImplementationSpecific) {
        int end = p.length();
        while (end > 1 && p.charAt(end - 1) == '/') {
          end--;
        }
        p = p.substring(0, end);
      }
      return new ClaimKey(typeRank(match), p);
    }
  }

  /** A path that won its key. */
  private record Claim(CheckedIngress ingress, String field, Route route) {}
}
