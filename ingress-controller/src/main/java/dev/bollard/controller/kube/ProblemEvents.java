package dev.bollard.controller.kube;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.translate.Problem;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Turns the problems of published results into Events, one per distinct problem: a problem gets an
 * Event when it appears (or when this replica starts leading while it exists), not at every
 * rebuild. A problem that goes away and comes back gets a new one. Hears results on the rebuild
 * thread.
 */
public final class ProblemEvents implements SnapshotPublisher.Listener {

  private final EventRecorder recorder;
  private final BooleanSupplier leading;
  private Set<Problem> reported = Set.of();

  public ProblemEvents(EventRecorder recorder, BooleanSupplier leading) {
    this.recorder = recorder;
    this.leading = leading;
  }

  /** Records the problems not reported yet. */
  @Override
  public void published(Publication publication) {
    if (!leading.getAsBoolean()) {
      // A future leader reports what exists then; nothing is owed from this time.
      reported = Set.of();
      return;
    }
    Set<Problem> now = new HashSet<>();
    for (Problem p : publication.result().problems()) {
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
