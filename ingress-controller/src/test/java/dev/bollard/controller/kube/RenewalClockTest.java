package dev.bollard.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The renew deadline by the replica's own clock, on a fake clock. */
class RenewalClockTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RenewalClock clock = new RenewalClock(Duration.ofSeconds(10), nanos::get);

  @Test
  void nothingIsFreshBeforeTheFirstRenewal() {
    assertThat(clock.fresh()).isFalse();
    assertThat(clock.sinceRenewal()).isNull();
  }

  @Test
  void aRenewalIsFreshUntilTheRenewDeadlineHasPassedSinceItsReadStarted() {
    long readStarted = clock.now();
    advance(Duration.ofSeconds(3)); // the write took its time
    clock.renewed(readStarted);

    advance(Duration.ofMillis(6_999));
    assertThat(clock.fresh()).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(clock.fresh()).isFalse();
    assertThat(clock.sinceRenewal()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anOlderRenewalLandingLateDoesNotMoveTheStampBack() {
    long older = clock.now();
    advance(Duration.ofSeconds(4));
    clock.renewed(clock.now());
    clock.renewed(older);

    advance(Duration.ofSeconds(9));
    assertThat(clock.fresh()).isTrue();
  }

  @Test
  void forgettingEndsFreshnessUntilTheNextRenewal() {
    clock.renewed(clock.now());
    clock.forget();
    assertThat(clock.fresh()).isFalse();

    clock.renewed(clock.now());
    assertThat(clock.fresh()).isTrue();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
