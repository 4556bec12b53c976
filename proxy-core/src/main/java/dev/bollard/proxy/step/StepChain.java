package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A route's steps in the order they run (by {@link Phase}, stable within a phase); immutable and
 * shared by every request of the route. The request handler walks {@link #step(int)} to decide,
 * and calls {@link #toUpstream} and {@link #toClient} around forwarding.
 */
public final class StepChain {

  /** No steps. */
  public static final StepChain EMPTY = new StepChain(new RouteStep[0]);

  private final RouteStep[] steps;

  private StepChain(RouteStep[] steps) {
    this.steps = steps;
  }

  /** The steps ordered by phase; steps of one phase keep their order in {@code steps}. */
  public static StepChain of(List<? extends RouteStep> steps) {
    if (steps.isEmpty()) {
      return EMPTY;
    }
    List<RouteStep> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparing(RouteStep::phase));
    return new StepChain(ordered.toArray(new RouteStep[0]));
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

  /** Lets every step edit the upstream head, in chain order. */
  public void toUpstream(StepRequest request, HttpHeaders upstream) {
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
    return names().toString();
  }
}
