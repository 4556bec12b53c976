package dev.bollard.controller.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RebuildSchedulerTest {

  private final AtomicInteger rebuilds = new AtomicInteger();
  private RebuildScheduler scheduler;

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  @Test
  void aBurstOfSignalsIsOneRebuild() {
    scheduler =
        new RebuildScheduler(rebuilds::incrementAndGet, Duration.ofMillis(100), Duration.ofSeconds(5));

    for (int i = 0; i < 1_000; i++) {
      scheduler.requestRebuild();
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> rebuilds.get() == 1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> rebuilds.get() == 1);
  }

  @Test
  void signalsThatNeverStopStillRebuildAfterTheMaximumDelay() {
    scheduler =
        new RebuildScheduler(
            rebuilds::incrementAndGet, Duration.ofMillis(200), Duration.ofMillis(400));
    ScheduledExecutorService noisySource = Executors.newSingleThreadScheduledExecutor();
    try {
      // A signal every 20 ms never leaves the 200 ms hold-off quiet.
      noisySource.scheduleAtFixedRate(scheduler::requestRebuild, 0, 20, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(3)).until(() -> rebuilds.get() >= 2);
    } finally {
      noisySource.shutdownNow();
    }
  }

  @Test
  void aSignalDuringARebuildCausesAnotherRebuild() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    scheduler =
        new RebuildScheduler(
            () -> {
              if (rebuilds.incrementAndGet() == 1) {
                firstStarted.countDown();
                awaitUninterruptibly(releaseFirst);
              }
            },
            Duration.ofMillis(10),
            Duration.ofMillis(50));

    scheduler.requestRebuild();
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    scheduler.requestRebuild();
    releaseFirst.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> rebuilds.get() == 2);
  }

  @Test
  void aFailingRebuildDoesNotStopLaterOnes() {
    scheduler =
        new RebuildScheduler(
            () -> {
              if (rebuilds.incrementAndGet() == 1) {
                throw new IllegalStateException("boom (expected by the test)");
              }
            },
            Duration.ofMillis(10),
            Duration.ofMillis(50));

    scheduler.requestRebuild();
    await().atMost(Duration.ofSeconds(5)).until(() -> rebuilds.get() == 1);
    scheduler.requestRebuild();

    await().atMost(Duration.ofSeconds(5)).until(() -> rebuilds.get() == 2);
  }

  @Test
  void rebuildNowRunsWithoutHoldOffAndReportsFailure() throws Exception {
    scheduler =
        new RebuildScheduler(rebuilds::incrementAndGet, Duration.ofHours(1), Duration.ofHours(1));

    scheduler.rebuildNow().get(5, TimeUnit.SECONDS);

    assertThat(rebuilds.get()).isEqualTo(1);
  }

  @Test
  void maxDelayShorterThanHoldOffIsRejected() {
    assertThatThrownBy(
            () -> new RebuildScheduler(() -> {}, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay: PT1S (expected: >= holdOff PT2S)");
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
