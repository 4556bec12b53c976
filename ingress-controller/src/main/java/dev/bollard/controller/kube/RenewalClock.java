package dev.bollard.controller.kube;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When this replica last renewed its Lease, by its own monotonic clock, and whether that was
 * recent enough to act as leader: within the renew deadline. Other replicas may take the Lease
 * once its lease duration has passed since the renew time written in it, so acting only within
 * the (shorter) renew deadline leaves them a margin, whatever the client library still retries.
 */
final class RenewalClock {

  private final LongSupplier nanos;
  private final long deadlineNanos;
  private long lastRenewal;
  private boolean renewed;

  RenewalClock(Duration renewDeadline, LongSupplier nanos) {
    this.deadlineNanos = renewDeadline.toNanos();
    this.nanos = nanos;
  }

  /** The clock's now, to stamp the start of a read the next write is based on. */
  long now() {
    return nanos.getAsLong();
  }

  /**
   * A write naming this replica as holder succeeded; it was based on a read started at {@code
   * startedAt} (the renew time in the Lease is no earlier than that).
   */
  synchronized void renewed(long startedAt) {
    if (!renewed || startedAt - lastRenewal > 0) {
      lastRenewal = startedAt;
      renewed = true;
    }
  }

  /** Forgets the last renewal: nothing counts as fresh until the next one. */
  synchronized void forget() {
    renewed = false;
  }

  /** Whether the last renewal is younger than the renew deadline. */
  synchronized boolean fresh() {
    return renewed && nanos.getAsLong() - lastRenewal < deadlineNanos;
  }

  /** How long ago the last renewal started, or {@code null} if none counts. */
  synchronized @Nullable Duration sinceRenewal() {
    return renewed ? Duration.ofNanos(nanos.getAsLong() - lastRenewal) : null;
  }
}
