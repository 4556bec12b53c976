package dev.bollard.controller.kube;

import dev.bollard.controller.translate.Problem;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Turns translation problems into Events, one per distinct problem: a problem gets an Event when
 * it appears (or when this replica starts leading while it exists), not at every rebuild. A
 * problem that goes away and comes back gets a new one. Call on the rebuild thread.
 */
public final class ProblemEvents {

  private final EventRecorder recorder;
  private final BooleanSupplier leading;
  private Set<Problem> reported = Set.of();

  public ProblemEvents(EventRecorder recorder, BooleanSupplier leading) {
    this.recorder = recorder;
    this.leading = leading;
  }

  /** Records the problems not reported yet. */
  public void rebuilt(List<Problem> problems) {
    if (!leading.getAsBoolean()) {
      // A future leader reports what exists then; nothing is owed from this time.
      reported = Set.of();
      return;
    }
    Set<Problem> now = new HashSet<>();
    for (Problem p : problems) {
      if (p.object() == null) {
        continue;
      }
      now.add(p);
      if (!reported.contains(p)) {
        recorder.record(p.object(), true, "TranslationProblem", p.field() + ": " + p.message());
      }
    }
    reported = now;
  }
}
