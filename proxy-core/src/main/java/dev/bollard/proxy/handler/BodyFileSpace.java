package dev.bollard.proxy.handler;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk space that the temporary files of buffered request bodies hold together, across every
 * connection of the process: a body that would take more than the configured total is refused
 * (503) instead of filling the disk ({@code /tmp} is a size-limited emptyDir in the chart, and a
 * full one gets the pod evicted). Shared by the event loops.
 *
 * <p>Running out is logged once, and again only after all the space was free once more: under a
 * flood of large slow uploads every refused request is in the access log (503), not in a log line
 * of its own.
 */
public final class BodyFileSpace {

  private static final Logger log = LoggerFactory.getLogger(BodyFileSpace.class);

  private final AtomicLong used = new AtomicLong();
  private final AtomicBoolean reported = new AtomicBoolean();

  /** Takes {@code bytes} if the total stays within {@code limit}; false (nothing taken) if not. */
  boolean tryTake(long bytes, long limit) {
    long now;
    do {
      now = used.get();
      if (now + bytes > limit) {
        if (reported.compareAndSet(false, true)) {
          log.warn("Buffered request bodies fill their temporary files ({} of {} bytes,"
                  + " bollard-client-body-temp-size): bodies that need more get 503 until"
                  + " uploads finish. Raise the key (and the size of java.io.tmpdir) if this is"
                  + " legitimate traffic, or turn proxy-request-buffering off for upload routes.",
              now, limit);
        }
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /** Gives back {@code bytes} taken before. */
  void giveBack(long bytes) {
    if (bytes > 0 && used.addAndGet(-bytes) == 0) {
      reported.set(false);
    }
  }

  /** The bytes the files of buffered bodies hold now. */
  public long inUse() {
    return used.get();
  }
}
