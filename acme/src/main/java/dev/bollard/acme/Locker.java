package dev.bollard.acme;

import java.util.Optional;

/**
 * Mutual exclusion for ordering, so that exactly one replica talks to the CA for a name at a time.
 * The Kubernetes implementation is the controller's leader Lease; {@link #inProcess()} serves a
 * single process (and tests).
 */
public interface Locker {

  /**
   * Tries to take the lock without waiting.
   *
   * @return the held lock, or empty if another holder has it
   */
  Optional<Lock> tryAcquire(String name);

  /** A held lock; closing it releases it. */
  interface Lock extends AutoCloseable {
    /**
     * False once the lock was lost (e.g. a Lease expired and another replica took it). The manager
     * checks it between orders and stops ordering when it turns false.
     */
    boolean isHeld();

    /** Releases the lock; idempotent. */
    @Override
    void close();
  }

  /** A locker for one JVM; share the instance between managers that must exclude each other. */
  static Locker inProcess() {
    return new InProcessLocker();
  }
}
