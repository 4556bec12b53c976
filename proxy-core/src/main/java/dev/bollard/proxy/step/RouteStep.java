package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One per-route behaviour: decides about a request, then may edit the upstream head and the
 * response head. Implementations are immutable and shared by every request of the route, and run
 * on the request's event loop: they must not block.
 */
public interface RouteStep {

  /** Where this step runs in a chain. */
  Phase phase();

  /**
   * Decides about the request: {@link StepOutcome#PASS} to go on, an answer, or pending work.
   * Runs before any upstream connection is taken.
   */
  default StepOutcome decide(StepRequest request) {
    return StepOutcome.PASS;
  }

  /**
   * Edits the head about to go upstream (its headers, and its target with {@link
   * HttpRequest#setUri}: origin form, already percent-encoded); runs only for a request every step
   * passed, in chain order, after the proxy's own headers ({@code X-Forwarded-*}, request id) are
   * set.
   */
  default void toUpstream(StepRequest request, HttpRequest upstream) {}

  /**
   * Reads or edits the head the upstream sent, before any {@link #toClient} edit; never called for
   * a response the proxy makes itself. Runs in reverse chain order.
   */
  default void fromUpstream(StepRequest request, HttpResponse response) {}

  /**
   * Edits a final response head about to go to the client, the upstream's or one the proxy made
   * (404, 502, an answer of another step); runs in reverse chain order.
   */
  default void toClient(StepRequest request, HttpResponse response) {}

  /** A short name for status pages and logs, such as {@code basic-auth}. */
  String name();
}
