package dev.bollard.proxy.step;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a step decided: {@link #PASS}, an {@link Answer} the proxy sends itself, or {@link Pending}
 * work whose result decides later.
 */
public sealed interface StepOutcome {

  /** Go on with the next step. */
  StepOutcome PASS = Pass.INSTANCE;

  /** The only pass value. */
  enum Pass implements StepOutcome {
    INSTANCE
  }

  /** The proxy answers the request itself; later steps do not run. */
  @FunctionalInterface
  non-sealed interface Answer extends StepOutcome {
    /**
     * The response to send; {@code Connection: close} when {@code keepAlive} is false.
     */
    FullHttpResponse response(boolean keepAlive);
  }

  /**
   * Work off the event loop (a password hash, an auth subrequest). When {@code work} completes, the
   * handler returns to the request's event loop and calls {@code resume} with its result ({@code
   * null} if it failed) there; what {@code resume} returns is the step's outcome.
   *
   * @param <T> the work's result
   */
  record Pending<T>(CompletableFuture<T> work, Function<@Nullable T, StepOutcome> resume)
      implements StepOutcome {}
}
