package dev.bollard.controller.certs;

import dev.bollard.acme.Locker;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The ACME lock in Kubernetes is the controller's leader Lease: the leader orders, the others
 * serve what lands in the Secrets. A lock taken while leading reports itself lost as soon as the
 * Lease is, so the manager stops between orders.
 */
final class LeaderLocker implements Locker {

  private final BooleanSupplier leader;

  LeaderLocker(BooleanSupplier leader) {
    this.leader = leader;
  }

  @Override
  public Optional<Lock> tryAcquire(String name) {
    if (!leader.getAsBoolean()) {
      return Optional.empty();
    }
    return Optional.of(new Lock() {
      private volatile boolean closed;

      @Override
      public boolean isHeld() {
        return !closed && leader.getAsBoolean();
      }

      @Override
      public void close() {
        closed = true;
      }
    });
  }
}
