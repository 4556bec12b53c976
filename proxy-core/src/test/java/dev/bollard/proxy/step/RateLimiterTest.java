package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.config.RouteSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** nginx's limit_req arithmetic with burst and nodelay, on an injected clock. */
class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000);

  /** How many of {@code n} requests at the current instant the bucket accepts. */
  private static int accepted(LeakyBucket bucket, AtomicLong state, long at, int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      long next = bucket.next(state.get(), at);
      if (next != LeakyBucket.REFUSED) {
        state.set(next);
        ok++;
      }
    }
    return ok;
  }

  @Test
  void burstPlusOneAtOnceThenOnePerInterval() {
    LeakyBucket bucket = new LeakyBucket(2, 1, 10); // limit-rps 2, multiplier 5
    AtomicLong state = new AtomicLong(LeakyBucket.FRESH);
    assertThat(accepted(bucket, state, 0, 20)).isEqualTo(11);
    // 2 r/s leaks one request per 500 ms.
    assertThat(accepted(bucket, state, 499, 5)).isZero();
    assertThat(accepted(bucket, state, 500, 5)).isEqualTo(1);
    assertThat(accepted(bucket, state, 1500, 5)).isEqualTo(2);
    // Idle long enough to drain: a whole burst again.
    assertThat(accepted(bucket, state, 60_000, 20)).isEqualTo(11);
  }

  @Test
  void refusedRequestsDoNotCharge() {
    LeakyBucket bucket = new LeakyBucket(1, 1, 0);
    AtomicLong state = new AtomicLong(LeakyBucket.FRESH);
    assertThat(accepted(bucket, state, 0, 1)).isEqualTo(1);
    for (long t = 100; t < 1000; t += 100) {
      assertThat(accepted(bucket, state, t, 1)).isZero();
    }
    assertThat(accepted(bucket, state, 1000, 2)).isEqualTo(1);
  }

  @Test
  void perMinuteUsesNginxIntegerRate() {
    // 1r/m is 16 thousandths per second in nginx (1000 / 60, truncated): a request leaks in 62.5 s.
    LeakyBucket bucket = new LeakyBucket(1, 60, 0);
    AtomicLong state = new AtomicLong(LeakyBucket.FRESH);
    assertThat(accepted(bucket, state, 0, 1)).isEqualTo(1);
    assertThat(accepted(bucket, state, 62_499, 1)).isZero();
    assertThat(accepted(bucket, state, 62_500, 1)).isEqualTo(1);
  }

  @Test
  void clockWrapAroundAndBackwardsAsNginx() {
    LeakyBucket bucket = new LeakyBucket(1, 1, 0);
    AtomicLong state = new AtomicLong(LeakyBucket.FRESH);
    long beforeWrap = 0xFFFF_FFFFL - 200;
    assertThat(accepted(bucket, state, beforeWrap, 1)).isEqualTo(1);
    // 1000 ms later, past the 32-bit wrap.
    assertThat(accepted(bucket, state, beforeWrap + 1000, 1)).isEqualTo(1);
    // A clock going back a little counts as no time.
    assertThat(accepted(bucket, state, beforeWrap + 900, 1)).isZero();
  }

  @Test
  void bothRatesMustAcceptAndOnlyThenCharge() {
    RateLimiter limiter = new RateLimiter(
        new RateLimit(10, 3, 1, 0, CidrSet.EMPTY), LimitStatus.DEFAULTS, now::get);
    RateLimiter.Client client = new RateLimiter.Client();
    int ok = 0;
    for (int i = 0; i < 10; i++) {
      ok += limiter.admit(client, 0) ? 1 : 0;
    }
    // The per-minute burst (3 x 1) plus one.
    assertThat(ok).isEqualTo(4);
    // The per-second bucket was charged only for the four accepted: one second later 10 more
    // would fit it, the per-minute one still refuses.
    assertThat(limiter.admit(client, 1000)).isFalse();
  }

  @Test
  void connectionsReleaseOnEnd() {
    RateLimiter.Client client = new RateLimiter.Client();
    assertThat(client.enter(2)).isTrue();
    assertThat(client.enter(2)).isTrue();
    assertThat(client.enter(2)).isFalse();
    client.run();
    assertThat(client.inFlight).isEqualTo(1);
    assertThat(client.enter(2)).isTrue();
  }

  @Test
  void refusesBurstsThatDoNotFit() {
    assertThatThrownBy(() -> new RateLimit(1_000_000, 0, 5, 0, CidrSet.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new LeakyBucket(1, 1, 5).drainMillis()).isEqualTo(6001);
  }

  @Test
  void anUnchangedLimitKeepsItsCountersAcrossSnapshotsAndIsSharedByTheIngress() {
    RateLimiters registry = new RateLimiters();
    RouteSource shop = RouteSource.ingress("shop", "api");
    RateLimit limit = new RateLimit(5, 0, 5, 0, CidrSet.EMPTY);
    RateLimiters.Generation first = registry.begin();
    RateLimiter limiter = first.limiterFor(shop, limit, LimitStatus.DEFAULTS);
    assertThat(first.limiterFor(shop, new RateLimit(5, 0, 5, 0, CidrSet.EMPTY),
        LimitStatus.DEFAULTS)).isSameAs(limiter);
    first.finish();

    RateLimiters.Generation second = registry.begin();
    assertThat(second.limiterFor(shop, limit, LimitStatus.DEFAULTS)).isSameAs(limiter);
    assertThat(second.limiterFor(RouteSource.ingress("shop", "web"), limit, LimitStatus.DEFAULTS))
        .isNotSameAs(limiter);
    second.finish();

    RateLimiters.Generation third = registry.begin();
    assertThat(third.limiterFor(shop, limit, new LimitStatus(429, 503))).isNotSameAs(limiter);
    assertThat(third.limiterFor(shop, new RateLimit(6, 0, 5, 0, CidrSet.EMPTY),
        LimitStatus.DEFAULTS)).isNotSameAs(limiter);
  }
}
