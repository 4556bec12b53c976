package dev.bollard.proxy.handler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk space that the temporary files of buffered request bodies hold together, across every
 * connection of the process: a body that would take more than the configured total is refused
 * (503) instead of filling the disk ({@code /tmp} is a size-limited emptyDir in the chart, and a
 * full one gets the pod evicted). Shared by the event loops.
 */
public final class BodyFileSpace {

  private final AtomicLong used = new AtomicLong();

  /** Takes {@code bytes} if the total stays within {@code limit}; false (nothing taken) if not. */
  boolean tryTake(long bytes, long limit) {
    long now;
    do {
      now = used.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /** Gives back {@code bytes} taken before. */
  void giveBack(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  /** The bytes the files of buffered bodies hold now. */
  public long inUse() {
    return used.get();
  }
}
