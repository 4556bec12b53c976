package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.NextUpstream;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The route's retry rules ({@link NextUpstream}, nginx's {@code proxy_next_upstream*}) applied to
 * one request whose try failed: which endpoint comes next, or none, so that the failure goes to the
 * client. Made by the exchange on the first failure, so a request that never fails costs nothing.
 *
 * <p>The rules, as nginx's: a next try only for a failure its conditions name, before anything of
 * the response went to the client (the exchange asks only then); never for a non-idempotent request
 * ({@code POST}, {@code LOCK}, {@code PATCH}) that reached the failed endpoint, unless {@code
 * non_idempotent} is named; never for a request that cannot be sent again (its body was streamed
 * up); at most {@code tries} endpoints in all, and none after {@code timeout} since the first try.
 * Each endpoint of the backend is tried at most once per request, in the round-robin order the
 * request was given (ingress-nginx's balancer may pick one again; see the README).
 *
 * <p>Apart from those rules, one request that went out on a pooled connection which the upstream
 * closed without answering (it had closed the idle connection as the request arrived), or that
 * went on an HTTP/2 stream which a {@code GOAWAY} refused unprocessed, is sent once more on another
 * connection to the same endpoint: that does not count as a try.
 */
final class UpstreamRetries {

  private final NextUpstream rules;
  private final List<Endpoint> candidates;
  private final long firstTryNanos;
  private int tried;
  private boolean resent;

  /**
   * @param rules the route's retry rules
   * @param candidates the backend's endpoints in this request's order
   * @param tried how many of them were tried (the failed one included)
   * @param firstTryNanos when the first try started ({@link System#nanoTime()})
   */
  UpstreamRetries(NextUpstream rules, List<Endpoint> candidates, int tried, long firstTryNanos) {
    this.rules = rules;
    this.candidates = candidates;
    this.tried = tried;
    this.firstTryNanos = firstTryNanos;
  }

  /**
   * The endpoint to try after a failure, or {@code null} when the failure is final.
   *
   * @param condition the failure: one of {@link NextUpstream}'s condition bits
   * @param method the request's method
   * @param sent whether the failed try sent (part of) the request
   * @param canSendAgain whether the whole request can be sent again (no body, or one kept whole)
   */
  @Nullable Endpoint next(int condition, HttpMethod method, boolean sent, boolean canSendAgain) {
    if (!rules.on(condition) || (sent && !canSendAgain) || refusedAsNonIdempotent(method, sent)) {
      return null;
    }
    int limit = rules.tries() == 0
        ? candidates.size() : Math.min(rules.tries(), candidates.size());
    if (tried >= limit) {
      return null;
    }
    long timeout = rules.timeout().toNanos();
    if (timeout > 0 && System.nanoTime() - firstTryNanos >= timeout) {
      return null;
    }
    return candidates.get(tried++);
  }

  /**
   * Whether a request sent on a reused pooled connection that the upstream closed without answering
   * goes once more, on a new connection to the same endpoint.
   */
  boolean resendAfterStaleConnection(HttpMethod method, boolean canSendAgain) {
    return canSendAgain && !refusedAsNonIdempotent(method, true) && resendOnce();
  }

  /**
   * Whether a request that surely never reached the upstream's application (an HTTP/2 stream
   * refused by {@code GOAWAY}) goes once more: yes, whatever its method, unless a resend (this or
   * {@link #resendAfterStaleConnection}) happened already for this request.
   */
  boolean resendOnce() {
    if (resent) {
      return false;
    }
    resent = true;
    return true;
  }

  /** Whether a next try would mean sending a non-idempotent request again. */
  boolean refusedAsNonIdempotent(HttpMethod method, boolean sent) {
    return sent && refusedAsNonIdempotent(rules, method);
  }

  /** Whether {@code rules} refuse to send a request of {@code method} again once it was sent. */
  static boolean refusedAsNonIdempotent(NextUpstream rules, HttpMethod method) {
    return isNonIdempotent(method) && !rules.on(NextUpstream.NON_IDEMPOTENT);
  }

  /** Whether a further try is possible at all: used to decide whether to keep a buffered body. */
  static boolean mayTryAgain(NextUpstream rules, HttpMethod method, int endpoints) {
    return rules.conditions() != 0 && rules.tries() != 1 && endpoints > 1
        && (!isNonIdempotent(method) || rules.on(NextUpstream.NON_IDEMPOTENT));
  }

  /** nginx's non-idempotent methods: {@code POST}, {@code LOCK}, {@code PATCH}. */
  static boolean isNonIdempotent(HttpMethod method) {
    return HttpMethod.POST.equals(method) || HttpMethod.PATCH.equals(method)
        || "LOCK".equals(method.name());
  }
}
