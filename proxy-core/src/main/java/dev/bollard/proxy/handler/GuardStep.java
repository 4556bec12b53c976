package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.routing.RouteMatch;
import dev.bollard.proxy.routing.RouteTable;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The guard step of {@link ProxyHandler}: asks the {@link RequestGuard} about a request, using the
 * route match and authority routing used, and prepares the upstream head of a request that passed.
 */
final class GuardStep {

  private static final GuardVerdict UNAVAILABLE = new GuardVerdict.Answer(
      HttpResponseStatus.SERVICE_UNAVAILABLE, new DefaultHttpHeaders(),
      "text/plain; charset=utf-8", "503 Service Unavailable: credentials cannot be checked\n",
      "unavailable");

  // Shared: the caller only reads it (isDone, join), as RequestGuard.OPEN_DONE.
  private static final CompletableFuture<GuardVerdict> UNAVAILABLE_DONE =
      CompletableFuture.completedFuture(UNAVAILABLE);

  private GuardStep() {}

  static CompletableFuture<GuardVerdict> check(
      @Nullable RequestGuard guard,
      RequestTelemetry.RequestContext context,
      HttpRequest request,
      RouteTable table,
      RequestTarget target,
      RouteMatch match) {
    AuthSettings auth = table.snapshot().settings().auth();
    BasicAuthPolicy policy = RequestGuard.policyFor(match, auth, target.authority());
    if (policy == null) {
      return RequestGuard.OPEN_DONE;
    }
    if (guard == null) {
      return UNAVAILABLE_DONE;
    }
    return guard.check(policy, auth, target.path(),
        request.headers().get(HttpHeaderNames.AUTHORIZATION), context.facts.client());
  }

  /** A verdict, or 503 when the check itself failed. */
  static GuardVerdict orUnavailable(@Nullable GuardVerdict verdict) {
    return verdict != null ? verdict : UNAVAILABLE;
  }

  /**
   * Removes {@code Authorization} unless configured to keep it, and for an absolute-form request
   * sets {@code Host} to the authority it was routed (and guarded) by, as RFC 9112 section 3.2.2
   * asks: the upstream must never see another host than the one the guard checked.
   */
  static HttpRequest prepareUpstream(GuardVerdict verdict, RequestTarget target, HttpRequest head) {
    verdict.prepareUpstream(head.headers());
    if (target.absoluteForm()) {
      head.headers().set(HttpHeaderNames.HOST, target.authority());
    }
    return head;
  }
}
