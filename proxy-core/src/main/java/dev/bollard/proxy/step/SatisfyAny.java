package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Objects;

/**
 * An authentication step of a route with {@link Satisfy#ANY}: a request whose real client address
 * every allow-list of the route contains passes without authenticating; any other request must
 * pass {@code guard} (Basic auth, external auth), and gets the guard's answer (401 and its
 * challenge) when it does not, as nginx's {@code satisfy any}, where a refusing {@code auth_basic}
 * wins over a refusing {@code allow}. The allow-lists are checked here instead of in their own
 * steps (which the chain compiler leaves out); deny-lists and {@code block-cidrs} still refuse
 * first, in {@link Phase#ACCESS} (stricter than nginx, where {@code satisfy any} lets a denied
 * address in with good credentials).
 *
 * <p>The guard's edits of the upstream and response heads run whether or not it decided (it strips
 * client-sent copies of the headers it would inject; with no decision it adds none).
 *
 * @param allowLists the route's allow-lists ({@link ClientRanges.Kind#ALLOW}), at least one
 * @param guard the authentication step
 */
public record SatisfyAny(List<ClientRanges> allowLists, RouteStep guard) implements RouteStep {

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
    if (guard.phase() != Phase.GUARD) {
      throw new IllegalArgumentException("not an authentication step: " + guard.name());
    }
  }

  @Override
  public Phase phase() {
    return Phase.GUARD;
  }

  @Override
  public String name() {
    return guard.name() + " (satisfy any)";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    for (ClientRanges list : allowLists) {
      if (!list.ranges().contains(request.client())) {
        return guard.decide(request);
      }
    }
    return StepOutcome.PASS;
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    guard.toUpstream(request, upstream);
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
