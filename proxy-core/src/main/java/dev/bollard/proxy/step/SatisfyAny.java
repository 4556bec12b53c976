package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Objects;

/**
 * An authentication step of a route with {@link Satisfy#ANY}, nginx's {@code satisfy any}: a
 * request whose real client address every allow-list of the route contains passes without
 * authenticating; any other request must be authenticated by {@code guard}, and gets the guard's
 * answer (401 and its challenge) when its credentials are refused, as in nginx, where a refusing
 * {@code auth_basic} wins over a refusing {@code allow}. Where the guard lets a request through
 * without checking anything (a host or a path it does not guard, an exempt path), the allow-list
 * still refuses it (403): an exemption from authentication does not lift the address rules.
 *
 * <p>The allow-lists are checked here instead of in their own steps (which the chain compiler
 * leaves out); deny-lists and {@code block-cidrs} still refuse first, in {@link Phase#ACCESS}
 * (stricter than nginx, where {@code satisfy any} lets a denied address in with good
 * credentials). Several authentication steps on one route (Basic auth and {@code auth-url}) are
 * each wrapped, so all of them must pass, as without {@code satisfy} (nginx needs one).
 *
 * <p>A request let in by its address goes upstream without what only a check may pass on ({@link
 * Authentication#unchecked}: the client's {@code Authorization} on a Basic-auth route); the guard's
 * other edits run as usual.
 *
 * @param allowLists the route's allow-lists ({@link ClientRanges.Kind#ALLOW}), at least one
 * @param guard the authentication step
 */
public record SatisfyAny(List<ClientRanges> allowLists, Authentication guard) implements RouteStep {

  public SatisfyAny {
    allowLists = List.copyOf(allowLists);
    Objects.requireNonNull(guard, "guard");
    if (allowLists.isEmpty()) {
      throw new IllegalArgumentException("satisfy any without an allow-list");
    }
    for (ClientRanges list : allowLists) {
      if (list.kind() != ClientRanges.Kind.ALLOW) {
        throw new IllegalArgumentException("not an allow-list: " + list);
      }
    }
  }

  @Override
  public Phase phase() {
    return guard.phase();
  }

  @Override
  public String name() {
    return guard.name() + " (satisfy any)";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    for (ClientRanges list : allowLists) {
      if (!list.ranges().contains(request.client())) {
        return settle(request, guard.decide(request));
      }
    }
    return StepOutcome.PASS;
  }

  /** The guard's outcome for a client outside the allow-lists: a pass only if it authenticated. */
  private StepOutcome settle(StepRequest request, StepOutcome outcome) {
    if (outcome == StepOutcome.PASS) {
      return guard.authenticated(request) ? StepOutcome.PASS : ClientRanges.FORBIDDEN;
    }
    if (outcome instanceof StepOutcome.Pending<?> pending) {
      return afterwards(request, pending);
    }
    return outcome;
  }

  private <T> StepOutcome.Pending<T> afterwards(StepRequest request,
      StepOutcome.Pending<T> pending) {
    return new StepOutcome.Pending<>(pending.work(),
        result -> settle(request, pending.resume().apply(result)));
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    guard.toUpstream(request, upstream);
    if (!guard.authenticated(request)) {
      guard.unchecked(request, upstream);
    }
  }

  @Override
  public void fromUpstream(StepRequest request, HttpResponse response) {
    guard.fromUpstream(request, response);
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    guard.toClient(request, response);
  }
}
