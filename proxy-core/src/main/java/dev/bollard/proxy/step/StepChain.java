package dev.bollard.proxy.step;

import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A route's steps in the order they run (by {@link Phase}, stable within a phase), and how its
 * requests are relayed ({@link #policy()}: body buffering, upstream timeouts, body size); immutable
 * and shared by every request of the route. The request handler walks {@link #step(int)} to decide, and calls
 * {@link #toUpstream} and {@link #toClient} around forwarding.
 */
public final class StepChain {

  /** No steps; {@link RoutePolicy#DEFAULTS}. */
  public static final StepChain EMPTY = new StepChain(new RouteStep[0], RoutePolicy.DEFAULTS);

  private final RouteStep[] steps;
  private final RoutePolicy policy;

  private StepChain(RouteStep[] steps, RoutePolicy policy) {
    this.steps = steps;
    this.policy = policy;
  }

  /**
   * The steps ordered by phase; steps of one phase keep their order in {@code steps}. {@link
   * RoutePolicy#DEFAULTS}.
   */
  public static StepChain of(List<? extends RouteStep> steps) {
    return of(steps, RoutePolicy.DEFAULTS);
  }

  /** The steps ordered by phase, with requests relayed as {@code policy} says. */
  public static StepChain of(List<? extends RouteStep> steps, RoutePolicy policy) {
    if (steps.isEmpty() && policy.equals(RoutePolicy.DEFAULTS)) {
      return EMPTY;
    }
    List<RouteStep> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparing(RouteStep::phase));
    return new StepChain(ordered.toArray(new RouteStep[0]), policy);
  }

  /**
   * How the route's requests are relayed: the global settings, changed by the route's Ingress
   * ({@link PolicyFeature}s such as {@link RequestBuffering} and {@link BodyBufferSize}).
   */
  public RoutePolicy policy() {
    return policy;
  }

  /**
   * Whether a request body is read whole (memory, then a temporary file) before an upstream
   * connection is taken, and how much of it stays in memory: {@link #policy()}'s.
   */
  public BodyBuffering bodyBuffering() {
    return policy.bodyBuffering();
  }

  /** How many steps there are. */
  public int size() {
    return steps.length;
  }

  /** The step at {@code index}, from 0. */
  public RouteStep step(int index) {
    return steps[index];
  }

  /** The step names in order, for status pages and logs. */
  public List<String> names() {
    List<String> names = new ArrayList<>(steps.length);
    for (RouteStep step : steps) {
      names.add(step.name());
    }
    return names;
  }

  /** Lets every step edit the upstream head (target and headers), in chain order. */
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    for (RouteStep step : steps) {
      step.toUpstream(request, upstream);
    }
  }

  /**
   * Lets every step edit a final response head, in reverse chain order: first {@link
   * RouteStep#fromUpstream} of each step when the head is the upstream's, then {@link
   * RouteStep#toClient} of each.
   *
   * @param fromUpstream whether the upstream sent the head (not the proxy)
   */
  public void toClient(StepRequest request, HttpResponse response, boolean fromUpstream) {
    if (fromUpstream) {
      for (int i = steps.length - 1; i >= 0; i--) {
        steps[i].fromUpstream(request, response);
      }
    }
    for (int i = steps.length - 1; i >= 0; i--) {
      steps[i].toClient(request, response);
    }
  }

  @Override
  public String toString() {
    return policy.bodyBuffering().on() ? names() + " buffering bodies" : names().toString();
  }
}
