package dev.bollard.proxy.step;

import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A route's steps in the order they run (by {@link Phase}, stable within a phase), and whether its
 * request bodies are read whole before forwarding ({@link #bodyBuffering()}); immutable and shared
 * by every request of the route. The request handler walks {@link #step(int)} to decide, and calls
 * {@link #toUpstream} and {@link #toClient} around forwarding.
 */
public final class StepChain {

  /** No steps; bodies streamed. */
  public static final StepChain EMPTY = new StepChain(new RouteStep[0], BodyBuffering.OFF);

  private final RouteStep[] steps;
  private final BodyBuffering bodyBuffering;

  private StepChain(RouteStep[] steps, BodyBuffering bodyBuffering) {
    this.steps = steps;
    this.bodyBuffering = bodyBuffering;
  }

  /**
   * The steps ordered by phase; steps of one phase keep their order in {@code steps}. Bodies are
   * streamed.
   */
  public static StepChain of(List<? extends RouteStep> steps) {
    return of(steps, BodyBuffering.OFF);
  }

  /** The steps ordered by phase, with request bodies handled as {@code bodyBuffering} says. */
  public static StepChain of(List<? extends RouteStep> steps, BodyBuffering bodyBuffering) {
    if (steps.isEmpty() && bodyBuffering.equals(BodyBuffering.OFF)) {
      return EMPTY;
    }
    List<RouteStep> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparing(RouteStep::phase));
    return new StepChain(ordered.toArray(new RouteStep[0]), bodyBuffering);
  }

  /**
   * Whether a request body is read whole (memory, then a temporary file) before an upstream
   * connection is taken, and how much of it stays in memory: the global {@code
   * proxy-request-buffering} and {@code client-body-buffer-size}, unless the route's Ingress
   * changed them ({@link RequestBuffering}, {@link BodyBufferSize}).
   */
  public BodyBuffering bodyBuffering() {
    return bodyBuffering;
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
    return bodyBuffering.on() ? names() + " buffering bodies" : names().toString();
  }
}
