package dev.bollard.proxy.step;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.config.RouteFeature;
import java.util.Objects;

/**
 * ingress-nginx's per-client limits of a route ({@code limit-rps}, {@code limit-rpm}, {@code
 * limit-burst-multiplier}, {@code limit-connections}, {@code limit-whitelist}), as a value: the
 * chain compiler gives all routes of the Ingress one {@link RateLimiter} (which holds the
 * counters), kept across snapshots by {@link RateLimiters}.
 *
 * @param perSecond requests per second ({@code limit_req ... r/s}), 0 for none
 * @param perMinute requests per minute ({@code limit_req ... r/m}), 0 for none
 * @param burstMultiplier the burst of each rate is the rate times this ({@code
 *     limit-burst-multiplier}, ingress-nginx's default 5)
 * @param connections requests in flight per client address ({@code limit_conn}), 0 for none
 * @param exempt client addresses no limit applies to ({@code limit-whitelist})
 */
public record RateLimit(
    long perSecond, long perMinute, long burstMultiplier, int connections, CidrSet exempt)
    implements RouteFeature {

  /** ingress-nginx's {@code limit-burst-multiplier} default. */
  public static final int DEFAULT_BURST_MULTIPLIER = 5;

  public RateLimit {
    Objects.requireNonNull(exempt, "exempt");
    if (perSecond < 0 || perMinute < 0 || connections < 0 || burstMultiplier < 0) {
      throw new IllegalArgumentException("negative limit or multiplier: " + perSecond
          + " r/s, " + perMinute + " r/m, x" + burstMultiplier + ", " + connections + " conn");
    }
    if (perSecond * burstMultiplier > LeakyBucket.MAX_BURST
        || perMinute * burstMultiplier > LeakyBucket.MAX_BURST) {
      throw new IllegalArgumentException(
          "rate times burst multiplier above " + LeakyBucket.MAX_BURST);
    }
  }

  /** Whether it limits anything. */
  public boolean limits() {
    return perSecond > 0 || perMinute > 0 || connections > 0;
  }

  /** A step with fresh counters, answering with the status codes {@code status}. */
  RateLimiter newStep(LimitStatus status) {
    return new RateLimiter(this, status, RateLimiter.MONOTONIC_MILLIS);
  }
}
