package dev.bollard.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The token bucket bounding each API writer. */
class WriteRateTest {

  @Test
  void aBacklogGoesAtTheRateAfterASecondsWorth() throws InterruptedException {
    long start = System.nanoTime();
    WriteRate rate = new WriteRate(50);

    // A second's worth at once, then 25 more at 50 a second: at least half a second in all.
    for (int i = 0; i < 75; i++) {
      rate.acquire();
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(490));
  }

  @Test
  void unlimitedNeverWaitsAndANegativeRateIsRefused() throws InterruptedException {
    for (int i = 0; i < 100_000; i++) {
      WriteRate.UNLIMITED.acquire();
    }
    assertThatThrownBy(() -> new WriteRate(-1))
        .hasMessage("perSecond: -1.0 (expected: >= 0)");
  }
}
