package dev.bollard.proxy.step;

import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.guard.NoIndexHeaders;
import dev.bollard.proxy.guard.RequestGuard;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The Basic-auth guard of a route: the route's own policy (its Ingress's {@code auth-*}
 * annotations), or the global one for the hosts it names ({@code bollard-auth-hosts}). Asks the
 * server's {@link RequestGuard}; a check that needs a password hash is {@link
 * StepOutcome.Pending}. A request that passed goes upstream without {@code Authorization} (unless
 * configured to keep it); every final response of a guarded request carries {@code X-Robots-Tag}.
 */
public final class BasicAuth implements Authentication {

  private static final GuardVerdict.Answer UNAVAILABLE = new GuardVerdict.Answer(
      HttpResponseStatus.SERVICE_UNAVAILABLE, new DefaultHttpHeaders(),
      "text/plain; charset=utf-8", "503 Service Unavailable: credentials cannot be checked\n",
      "unavailable");

  private final @Nullable BasicAuthPolicy policy;
  private final AuthSettings options;

  private BasicAuth(@Nullable BasicAuthPolicy policy, AuthSettings options) {
    this.policy = policy;
    this.options = options;
  }

  /** Guards every request of the route with {@code policy}. */
  public static BasicAuth of(BasicAuthPolicy policy, AuthSettings options) {
    return new BasicAuth(Objects.requireNonNull(policy, "policy"), options);
  }

  /**
   * Guards the requests whose host matches the global patterns of {@code global}: for routes of
   * wildcard or host-less rules, and requests no route serves, where the host is known only per
   * request.
   */
  public static BasicAuth byHost(AuthSettings global) {
    return new BasicAuth(null, global);
  }

  /** The settings it checks the request's host against, or {@code null} for a fixed policy. */
  @Nullable AuthSettings byHostSettings() {
    return policy == null ? options : null;
  }

  @Override
  public Phase phase() {
    return Phase.GUARD;
  }

  @Override
  public String name() {
    return "basic-auth";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    BasicAuthPolicy p = policy != null ? policy : options.policyFor(request.host());
    if (p == null) {
      return StepOutcome.PASS;
    }
    RequestGuard guard = request.services().guard();
    if (guard == null) {
      return settle(request, UNAVAILABLE);
    }
    HttpHeaders headers = request.head().headers();
    CompletableFuture<GuardVerdict> checked = guard.check(p, options, request.path(),
        request.rawPath(), headers.get(HttpHeaderNames.AUTHORIZATION), request.client());
    if (checked.isDone()) {
      return settle(request, checked.isCompletedExceptionally() ? null : checked.join());
    }
    return new StepOutcome.Pending<>(checked, verdict -> settle(request, verdict));
  }

  private static StepOutcome settle(StepRequest request, @Nullable GuardVerdict verdict) {
    GuardVerdict v = verdict != null ? verdict : UNAVAILABLE;
    request.guardVerdict(v);
    if (v instanceof GuardVerdict.Answer answer) {
      return (StepOutcome.Answer) answer::response;
    }
    return StepOutcome.PASS;
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    request.guardVerdict().prepareUpstream(upstream.headers());
  }

  @Override
  public boolean authenticated(StepRequest request) {
    return request.guardVerdict() instanceof GuardVerdict.Pass pass && pass.user() != null;
  }

  /**
   * Where this step guards the request's host, {@code Authorization} is not passed on unchecked
   * (unless configured to keep it), as ingress-nginx clears it on every Basic-auth location.
   */
  @Override
  public void unchecked(StepRequest request, HttpRequest upstream) {
    BasicAuthPolicy p = policy != null ? policy : options.policyFor(request.host());
    if (p != null && !options.forwardAuthorization()) {
      upstream.headers().remove(HttpHeaderNames.AUTHORIZATION);
    }
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    NoIndexHeaders.mark(response, request.guardVerdict().guarded());
  }

  @Override
  public String toString() {
    return policy != null ? "basic-auth(" + policy.origin() + ")" : "basic-auth(global hosts)";
  }
}
