package dev.bollard.controller.kube;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.translate.Problem;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns the problems of published results into Events, once each problem has lasted the settle
 * delay: a problem gets an Event when it has been in every result for that long (or when this
 * replica starts leading while it exists, after the same delay), not at every rebuild.
 *
 * <p>The delay is for the informers: each watches one kind, and during a burst the Ingress watch
 * can run seconds ahead of the Service watch, so an Ingress is translated before its Service
 * arrives. That problem is real for those seconds (the log and {@code bollard check} say so at
 * once), but an Event on an Ingress that is fine a moment later only misleads. A problem that goes
 * away and comes back is recorded again, which the {@link EventRecorder} counts on the same Event.
 * Hears results on the rebuild thread; a timer reports the problems that come due between
 * rebuilds.
 */
public final class ProblemEvents implements SnapshotPublisher.Listener {

  private final EventRecorder recorder;
  private final BooleanSupplier leading;
  private final long settleNanos;
  private final ScheduledExecutorService timer;
  /** The problems of the last result, with when each was first seen (in that order). */
  private final Map<Problem, Long> seen = new LinkedHashMap<>();
  private final Set<Problem> reported = new HashSet<>();
  private @Nullable ScheduledFuture<?> next;

  /**
   * @param leading whether this replica leads now
   * @param settle how long a problem must last before it is an Event
   * @param timer where problems that come due between rebuilds are reported
   */
  public ProblemEvents(EventRecorder recorder, BooleanSupplier leading, Duration settle,
      ScheduledExecutorService timer) {
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle: " + settle + " (expected: >= 0)");
    }
    this.recorder = recorder;
    this.leading = leading;
    this.settleNanos = settle.toNanos();
    this.timer = timer;
  }

  /** Notes the result's problems and records those that have lasted long enough. */
  @Override
  public synchronized void published(Publication publication) {
    if (!leading.getAsBoolean()) {
      // A future leader reports what exists then; nothing is owed from this time.
      seen.clear();
      reported.clear();
      return;
    }
    long now = System.nanoTime();
    Set<Problem> current = new HashSet<>();
    for (Problem p : publication.result().problems()) {
      if (p.object() != null) {
        current.add(p);
        seen.putIfAbsent(p, now);
      }
    }
    seen.keySet().retainAll(current);
    reported.retainAll(current);
    reportDue(now);
  }

  private synchronized void tick() {
    next = null;
    if (leading.getAsBoolean()) {
      reportDue(System.nanoTime());
    }
  }

  private void reportDue(long now) {
    long firstDue = Long.MAX_VALUE;
    for (Map.Entry<Problem, Long> e : seen.entrySet()) {
      Problem p = e.getKey();
      if (reported.contains(p)) {
        continue;
      }
      long due = e.getValue() + settleNanos;
      if (due - now <= 0) {
        reported.add(p);
        recorder.record(
            Objects.requireNonNull(p.object()), true, "TranslationProblem",
            p.field() + ": " + p.message());
      } else {
        firstDue = Math.min(firstDue, due);
      }
    }
    if (firstDue != Long.MAX_VALUE && next == null) {
      try {
        next = timer.schedule(this::tick, firstDue - now, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // Shutting down: nothing more is reported.
      }
    }
  }
}
