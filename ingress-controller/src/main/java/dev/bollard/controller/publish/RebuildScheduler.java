package dev.bollard.controller.publish;

import dev.bollard.controller.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rebuilds on one thread, debounced: a burst of change signals becomes one rebuild.
 *
 * <p>A signal ({@link #requestRebuild()}) schedules a rebuild {@code holdOff} later; each further
 * signal pushes it back by {@code holdOff} again, but never beyond {@code maxDelay} after the first
 * signal of the burst, so a source that never goes quiet still gets rebuilt. A signal that arrives
 * while a rebuild runs schedules another one: the running rebuild may have read the old state.
 * Rebuilds never overlap. A rebuild that throws is logged and the next signal tries again.
 */
public final class RebuildScheduler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RebuildScheduler.class);

  private final Runnable rebuild;
  private final long holdOffNanos;
  private final long maxDelayNanos;
  private final ScheduledThreadPoolExecutor thread;

  private @Nullable ScheduledFuture<?> pending;
  private long pendingGeneration;
  private long burstStart;

  /**
   * @param rebuild the work to run, always on this scheduler's one thread
   * @param holdOff quiet time to wait after the last signal
   * @param maxDelay longest time from a burst's first signal to its rebuild
   */
  public RebuildScheduler(Runnable rebuild, Duration holdOff, Duration maxDelay) {
    if (holdOff.isNegative()) {
      throw new IllegalArgumentException("holdOff: " + holdOff + " (expected: >= 0)");
    }
    if (maxDelay.compareTo(holdOff) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + maxDelay + " (expected: >= holdOff " + holdOff + ")");
    }
    this.rebuild = rebuild;
    this.holdOffNanos = holdOff.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.thread = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("bollard-rebuild"));
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    thread.setRemoveOnCancelPolicy(true);
  }

  /** Signals that something changed; cheap, callable from any thread. */
  public synchronized void requestRebuild() {
    if (thread.isShutdown()) {
      return;
    }
    long now = System.nanoTime();
    if (pending == null) {
      burstStart = now;
    } else {
      pending.cancel(false);
    }
    long due = Math.min(now + holdOffNanos, burstStart + maxDelayNanos);
    long generation = ++pendingGeneration;
    pending =
        thread.schedule(
            () -> runScheduled(generation), Math.max(0, due - now), TimeUnit.NANOSECONDS);
  }

  /**
   * Rebuilds now (queued behind a running rebuild), without waiting for the hold-off; for the first
   * load at startup.
   *
   * @return completes when that rebuild has run; fails with what it threw
   */
  public CompletableFuture<Void> rebuildNow() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            rebuild.run();
            done.complete(null);
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  private void runScheduled(long generation) {
    synchronized (this) {
      // A signal that came in after this task started has scheduled a successor: keep tracking it.
      if (generation == pendingGeneration) {
        pending = null;
      }
    }
    try {
      rebuild.run();
    } catch (RuntimeException e) {
      // Unexpected (translation reports bad input as problems); keep serving the last snapshot.
      log.error("Rebuild failed, still serving the previous snapshot", e);
    }
  }

  /**
   * Stops the rebuild thread: pending rebuilds are dropped, one in progress may finish (waited for
   * up to five seconds).
   */
  @Override
  public void close() {
    synchronized (this) {
      thread.shutdown();
      pending = null;
    }
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
