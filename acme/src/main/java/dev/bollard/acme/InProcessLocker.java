package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Named locks in one JVM; not reentrant, so two managers in one process exclude each other. */
final class InProcessLocker implements Locker {
  private final ConcurrentHashMap<String, HeldLock> held = new ConcurrentHashMap<>();

  @Override
  public Optional<Lock> tryAcquire(String name) {
    requireNonNull(name, "name");
    var lock = new HeldLock(name);
    return held.putIfAbsent(name, lock) == null ? Optional.of(lock) : Optional.empty();
  }

  private final class HeldLock implements Lock {
    private final String name;
    private final AtomicBoolean open = new AtomicBoolean(true);

    HeldLock(String name) {
      this.name = name;
    }

    @Override
    public boolean isHeld() {
      return open.get();
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        held.remove(name, this);
      }
    }
  }
}
