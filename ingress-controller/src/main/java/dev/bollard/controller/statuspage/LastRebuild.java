package dev.bollard.controller.statuspage;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.translate.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the last rebuild left: its problems, and when the snapshot in force was published. A
 * listener of the publisher; read by the status page on the admin event loop.
 */
public final class LastRebuild implements SnapshotPublisher.Listener {

  /** One rebuild's outcome, as the page shows it. */
  record Seen(long version, Instant servedSince, Instant rebuiltAt, List<Problem> problems) {}

  private final Clock clock;
  private volatile @Nullable Seen seen;

  public LastRebuild(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void published(Publication publication) {
    Instant now = clock.instant();
    Seen before = seen;
    Instant since = publication.changed() || before == null ? now : before.servedSince();
    seen = new Seen(publication.version(), since, now,
        List.copyOf(publication.result().problems()));
  }

  /** The last rebuild, or {@code null} before the first. */
  @Nullable Seen seen() {
    return seen;
  }
}
