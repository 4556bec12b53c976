package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InProcessLockerTest {
  @Test
  void excludesOtherHoldersUntilReleased() {
    Locker locker = Locker.inProcess();
    Locker.Lock first = locker.tryAcquire("acme").orElseThrow();

    assertThat(locker.tryAcquire("acme")).isEmpty();
    assertThat(locker.tryAcquire("other")).isPresent();

    first.close();
    assertThat(first.isHeld()).isFalse();
    Locker.Lock second = locker.tryAcquire("acme").orElseThrow();
    first.close();
    assertThat(second.isHeld())
        .as("closing a released lock twice does not release the next holder")
        .isTrue();
    assertThat(locker.tryAcquire("acme")).isEmpty();
  }
}
