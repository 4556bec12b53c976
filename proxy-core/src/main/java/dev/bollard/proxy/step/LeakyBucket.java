package dev.bollard.proxy.step;

/**
 * nginx's {@code limit_req} arithmetic (ngx_http_limit_req_lookup), exactly: a leaky bucket per
 * client whose "excess" is counted in thousandths of a request and leaks at the zone's rate; a
 * request adds one request (1000) to what is left of the excess, and is refused, without changing
 * the bucket, when the result exceeds the burst. With {@code nodelay} (ingress-nginx always sets
 * it) an accepted request goes on at once. The first request of a client is always accepted.
 *
 * <p>A bucket's state is one {@code long}: the time of the last accepted request in milliseconds
 * (its low 32 bits, compared with wrap-around as nginx does) and the excess (at most the burst,
 * which fits 31 bits). So a bucket is one {@link java.util.concurrent.atomic.AtomicLong}, updated
 * without locks from any event loop.
 */
final class LeakyBucket {

  /** The state of a bucket that has seen no request yet (no real state has this excess). */
  static final long FRESH = 0xFFFF_FFFFL;

  /** What {@link #next} answers for a refused request (no real state is this). */
  static final long REFUSED = -1L;

  /** The largest burst in requests: its excess must fit 31 bits. */
  static final long MAX_BURST = Integer.MAX_VALUE / 1000;

  private final long rate;
  private final long burst;

  /**
   * @param requests requests per {@code perSeconds}
   * @param perSeconds 1 ({@code r/s}) or 60 ({@code r/m})
   * @param burst extra requests accepted at once ({@code burst=}), at most {@link #MAX_BURST}
   */
  LeakyBucket(long requests, int perSeconds, long burst) {
    if (requests < 1 || requests > MAX_BURST || (perSeconds != 1 && perSeconds != 60)) {
      throw new IllegalArgumentException("rate " + requests + " per " + perSeconds + " s");
    }
    if (burst < 0 || burst > MAX_BURST) {
      throw new IllegalArgumentException("burst " + burst + " (expected 0 to " + MAX_BURST + ")");
    }
    // nginx: rate = rate * 1000 / scale, in integers (1r/m is 16 thousandths per second).
    this.rate = requests * 1000 / perSeconds;
    this.burst = burst * 1000;
  }

  /**
   * The state after a request at {@code nowMillis} (any monotonic millisecond clock, only its low
   * 32 bits count), or {@link #REFUSED} if the request exceeds the burst (the state stays).
   */
  long next(long state, long nowMillis) {
    long now = nowMillis & 0xFFFF_FFFFL;
    if (state == FRESH) {
      return now << 32;
    }
    long last = state >>> 32;
    long ms = (int) (now - last);
    if (ms < -60_000) {
      ms = 1;
    } else if (ms < 0) {
      ms = 0;
    }
    long excess = (state & 0xFFFF_FFFFL) - rate * ms / 1000 + 1000;
    if (excess < 0) {
      excess = 0;
    }
    if (excess > burst) {
      return REFUSED;
    }
    return now << 32 | excess;
  }

  /**
   * How long an idle bucket takes to leak its whole burst, in milliseconds: after that it behaves
   * as a fresh one, so forgetting it changes nothing.
   */
  long drainMillis() {
    return (burst + 1000) * 1000 / rate + 1;
  }

  @Override
  public String toString() {
    return "leaky-bucket(" + rate + "/1000 r/s, burst " + burst / 1000 + ")";
  }
}
