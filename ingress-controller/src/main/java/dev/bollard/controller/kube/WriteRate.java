package dev.bollard.controller.kube;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket bounding how fast one writer calls the API server: {@code perSecond} tokens a
 * second, at most a second's worth saved up, so a backlog is written at that pace instead of all at
 * once. Taken by the writer's own thread, which waits for its token.
 */
final class WriteRate {

  /** No bound (tests, and writers driven inline). */
  static final WriteRate UNLIMITED = new WriteRate(0);

  private final long nanosPerToken;
  private final long burst;
  private long available;
  private long refilledAt = System.nanoTime();

  /**
   * @param perSecond writes a second; 0 for no bound
   */
  WriteRate(double perSecond) {
    if (perSecond < 0 || Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 0)");
    }
    this.nanosPerToken = perSecond == 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.burst = Math.max(1, (long) perSecond);
    this.available = burst;
  }

  /** Waits until a write may go. */
  void acquire() throws InterruptedException {
    if (nanosPerToken == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long earned = (now - refilledAt) / nanosPerToken;
      if (earned > 0) {
        available = Math.min(burst, available + earned);
        refilledAt = available == burst ? now : refilledAt + earned * nanosPerToken;
      }
      // Take the token now, even if it is only earned later: callers queue up in order.
      available--;
      wait = available >= 0 ? 0 : -available * nanosPerToken - (now - refilledAt);
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
