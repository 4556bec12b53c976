package dev.bollard.proxy.step;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.config.AccessRules;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.HeaderMaps;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteEdge;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.headers.HeaderRules;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Compiles the step chains of one snapshot, once, when it is published: a route's chain is the
 * global steps (ACME challenge, HTTPS redirect, client certificates, client rules, guard, header rules, ingress-nginx's
 * header maps, log capture) resolved for its
 * host and Ingress, plus the steps its Ingress's annotations asked for ({@link Route#features()}),
 * and its {@link RoutePolicy} (the global settings, with the error pages of the global {@code
 * custom-http-errors} codes served by the snapshot's default backend, changed by the Ingress's
 * {@link PolicyFeature}s such as {@link RequestBuffering}, {@link CustomHttpErrors} and {@link
 * DefaultBackend}).
 * Requests no route serves (404, the default backend) get the chain of their host without a route.
 *
 * <p>What can be decided here is decided here: a route of an exact host whose name no global guard
 * pattern matches gets no guard step at all, a host without TLS no redirect step. Only steps of
 * wildcard and host-less rules look at the request's host.
 */
public final class StepChains {

  private StepChains() {}

  /**
   * The chain of a route.
   *
   * @param route the route
   * @param host the host pattern of its virtual host
   * @param snapshot the snapshot it belongs to (global settings, TLS)
   */
  public static StepChain forRoute(Route route, VirtualHost host, RoutingSnapshot snapshot) {
    return forRoute(route, host, snapshot, RateLimiters.fresh());
  }

  /**
   * The chain of a route whose rate limiter (if its Ingress asks for one) comes from {@code
   * limiters}, shared by the Ingress's routes and kept across snapshots.
   */
  public static StepChain forRoute(Route route, VirtualHost host, RoutingSnapshot snapshot,
      RateLimiters.Generation limiters) {
    return compile(route, host, snapshot, limiters);
  }

  /**
   * The chain of requests that no route of {@code host} serves, or, for {@code null}, of requests
   * for hosts the snapshot does not name.
   */
  public static StepChain withoutRoute(@Nullable VirtualHost host, RoutingSnapshot snapshot) {
    return compile(null, host, snapshot, RateLimiters.fresh());
  }

  private static StepChain compile(@Nullable Route route, @Nullable VirtualHost host,
      RoutingSnapshot snapshot, RateLimiters.Generation limiters) {
    GlobalSettings settings = snapshot.settings();
    RouteEdge edge = route != null ? route.edge() : RouteEdge.NONE;
    List<RouteStep> steps = new ArrayList<>();
    BasicAuth guard = guard(route, host, settings.auth());
    steps.add(challenge(guard));
    addBlockedHeaders(steps, settings.access());
    ClientAuth clientAuth = host == null ? null : snapshot.tls().clientAuth().get(host.hostPattern());
    if (clientAuth != null) {
      // The host's, whichever Ingress serves the request (and also where no route does): first of
      // ACCESS, as nginx refuses a bad certificate before its access phase.
      ClientCertificate check = ClientCertificate.of(clientAuth);
      steps.add(check);
      // Over TLS before any redirect or preflight answer, as nginx (HANDSHAKE).
      steps.add(check.overTls());
    }
    if (guard != null) {
      steps.add(guard);
    }
    RoutePolicy policy = RoutePolicy.of(settings);
    // The route's own steps go before the HTTPS redirect: within REDIRECT they come first, as in
    // ingress-nginx, where a location's return (permanent-redirect, a snippet's return or rewrite)
    // runs before the HTTPS redirect at the end of nginx's rewrite phase. Other phases sort anyway.
    boolean ownAllow = false;
    boolean ownDeny = false;
    boolean ownHash = false;
    // A sticky route is not hashed: ingress-nginx's balancer takes affinity over upstream-hash-by.
    boolean sticky = route != null
        && route.features().stream().anyMatch(f -> f instanceof StickySession);
    boolean satisfyAny = route != null && route.features().contains(Satisfy.ANY);
    HeaderMaps maps = settings.headerMaps();
    if (!maps.request().isEmpty()) {
      // proxy-set-headers: before the route's own header steps, which edit the request after it.
      steps.add(HeaderTemplates.setOnRequest(maps.request()));
    }
    if (route != null) {
      policy = policy.withErrorPages(
          ErrorPages.global(settings.customHttpErrors(), snapshot.defaultBackend()));
      for (RouteFeature feature : route.features()) {
        if (feature instanceof RateLimit limit) {
          // Holds counters: one per Ingress, kept across snapshots while unchanged.
          if (limit.limits()) {
            steps.add(limiters.limiterFor(route.source(), limit, settings.limitStatus()));
          }
        } else if (feature instanceof PolicyFeature own) {
          policy = own.applyTo(policy);
        } else if ((feature instanceof UpstreamHashBy && sticky) || feature instanceof Satisfy) {
          continue;
        } else if (feature instanceof RouteStep step) {
          steps.add(step);
          ownHash |= step instanceof UpstreamHashBy;
          if (step instanceof ClientRanges ranges) {
            ownAllow |= ranges.kind() == ClientRanges.Kind.ALLOW;
            ownDeny |= ranges.kind() == ClientRanges.Kind.DENY;
          }
        } else {
          throw new IllegalArgumentException("route feature " + feature + " of " + route.source()
              + " is neither a step nor a policy (expected: a RouteStep or a PolicyFeature)");
        }
      }
      policy = policy.withErrorPages(policy.errorPages().orNone());
      if (!ownHash && !sticky && !settings.upstreamHashBy().isEmpty()) {
        // The ConfigMap's upstream-hash-by, for routes whose Ingress sets none (checked when the
        // config version was read). After the route's own steps: after a canary within BACKEND.
        steps.add(UpstreamHashBy.parse(settings.upstreamHashBy()));
      }
    }
    addAccess(steps, settings.access(), route != null, ownAllow, ownDeny);
    if (satisfyAny) {
      satisfyAny(steps);
    }
    HttpsRedirect redirect = redirect(route, host, snapshot);
    if (redirect != null) {
      steps.add(redirect);
    }
    HeaderRules headers = settings.edge().headers().plus(edge.headers());
    if (!headers.isEmpty()) {
      steps.add(new HeaderEdits(headers));
    }
    if (!maps.response().isEmpty() || !maps.hidden().isEmpty()) {
      // add-headers and hide-headers: after every other header step, as responses pass the chain
      // backwards: these run first, so bollard-response-headers and the route's rules win.
      steps.add(HeaderTemplates.setOnResponse(maps.response(), maps.hidden()));
    }
    LogSettings log = settings.edge().log();
    CaptureRules capture = log.capture().plus(edge.logCapture());
    if (!capture.isEmpty()) {
      steps.add(new LogCapture(capture, log.maxValueLength()));
    }
    return StepChain.of(steps, policy);
  }

  /**
   * The global client rules: {@code block-cidrs} everywhere (also
   * where no route serves), {@code whitelist-source-range} and {@code denylist-source-range} on
   * routes whose Ingress has no list of that kind of its own (ingress-nginx's defaults of the
   * annotations). After the route's own steps: within ACCESS a broken annotation's 503 comes first.
   */
  private static void addAccess(List<RouteStep> steps, AccessRules access, boolean routed,
      boolean ownAllow, boolean ownDeny) {
    if (!access.block().isEmpty()) {
      steps.add(new ClientRanges(ClientRanges.Kind.BLOCK, access.block()));
    }
    if (routed && !ownDeny && !access.deny().isEmpty()) {
      steps.add(new ClientRanges(ClientRanges.Kind.DENY, access.deny()));
    }
    if (routed && !ownAllow && !access.allow().isEmpty()) {
      steps.add(new ClientRanges(ClientRanges.Kind.ALLOW, access.allow()));
    }
  }

  /**
   * {@code satisfy any}: when the route has both allow-lists and authentication, the allow-lists
   * leave their own steps and each authentication step asks them first ({@link SatisfyAny}).
   * With only one of the two there is nothing to combine and the chain stays as it is. A guard
   * that does not guard the request (the global Basic auth on a host it does not name) lets the
   * allow-list refuse it, so combining never opens a route.
   */
  private static void satisfyAny(List<RouteStep> steps) {
    List<ClientRanges> allowLists = new ArrayList<>();
    for (RouteStep step : steps) {
      if (step instanceof ClientRanges ranges && ranges.kind() == ClientRanges.Kind.ALLOW) {
        allowLists.add(ranges);
      }
    }
    if (allowLists.isEmpty() || steps.stream().noneMatch(s -> s instanceof Authentication)) {
      return;
    }
    steps.removeAll(allowLists);
    steps.replaceAll(s -> s instanceof Authentication a ? new SatisfyAny(allowLists, a) : s);
  }

  /**
   * {@code block-user-agents} and {@code block-referers}, everywhere: first of HOST_REDIRECT, as
   * ingress-nginx's {@code if ($block_ua) { return 403; }} opens each server block, before the
   * server snippet and every location's redirects and preflights.
   */
  private static void addBlockedHeaders(List<RouteStep> steps, AccessRules access) {
    if (!access.blockUserAgents().isEmpty()) {
      steps.add(new BlockedHeader(BlockedHeader.Kind.USER_AGENT, access.blockUserAgents()));
    }
    if (!access.blockReferers().isEmpty()) {
      steps.add(new BlockedHeader(BlockedHeader.Kind.REFERER, access.blockReferers()));
    }
  }

  /** Over HTTPS, challenges are answered only where the guard would refuse them. */
  private static AcmeChallenge challenge(@Nullable BasicAuth guard) {
    if (guard == null) {
      return AcmeChallenge.PLAIN_HTTP;
    }
    AuthSettings byHost = guard.byHostSettings();
    return byHost == null ? AcmeChallenge.EVERY_LISTENER : AcmeChallenge.whereGuarded(byHost);
  }

  private static @Nullable HttpsRedirect redirect(
      @Nullable Route route, @Nullable VirtualHost host, RoutingSnapshot snapshot) {
    TlsSettings tls = snapshot.tls();
    if (route != null && tls.forceSslRedirect().contains(route.source())) {
      return HttpsRedirect.always();
    }
    Boolean annotated = route == null ? null : tls.sslRedirect().get(route.source());
    boolean enabled = annotated != null ? annotated : snapshot.settings().sslRedirect();
    if (!enabled || tls.bindings().isEmpty()) {
      return null;
    }
    if (isExact(host) && tls.bindingFor(host.hostPattern()).isEmpty()) {
      return null;
    }
    return HttpsRedirect.whenHostHasTls(tls);
  }

  private static @Nullable BasicAuth guard(
      @Nullable Route route, @Nullable VirtualHost host, AuthSettings auth) {
    if (route != null && route.auth() != null) {
      return BasicAuth.of(route.auth(), auth);
    }
    if (auth.hosts().isEmpty()) {
      return null;
    }
    if (isExact(host)) {
      BasicAuthPolicy policy = auth.policyFor(host.hostPattern());
      return policy == null ? null : BasicAuth.of(policy, auth);
    }
    return BasicAuth.byHost(auth);
  }

  private static boolean isExact(@Nullable VirtualHost host) {
    return host != null && !host.isAnyHost() && !host.isWildcard();
  }
}
