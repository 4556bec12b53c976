package dev.bollard.controller.source;

import dev.bollard.controller.publish.SnapshotPublisher;
import java.util.List;

/**
 * What a source offers only one replica at a time: a leader election, and the writers that act on
 * published results only while leading (Ingress status, Events).
 */
public interface Leadership extends AutoCloseable {

  /** Hears leadership changes. */
  interface Listener {
    /** This replica now leads. */
    void started();

    /** This replica no longer leads. */
    void stopped();
  }

  /** Whether this replica leads now. */
  boolean isLeader();

  /** Starts contending, in the background; call once the first snapshot is published. */
  void start(Listener listener);

  /** Listeners for the publisher that write to the outside world, each only while leading. */
  List<SnapshotPublisher.Listener> writers();

  /** Stops contending and releases the lead if held. */
  @Override
  void close();
}
