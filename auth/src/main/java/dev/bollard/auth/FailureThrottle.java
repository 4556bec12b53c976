package dev.bollard.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts failed checks per client and blocks a client that reaches the limit within a window.
 * IPv6 clients are counted per /64, since one host commonly owns a whole /64. Memory is bounded:
 * the least recently seen clients are forgotten first.
 *
 * <p>Asking about a client costs one clock read while no client is blocked: the latest end of any
 * block is kept aside, and only a time before it needs the per-client lookup.
 */
final class FailureThrottle {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Cache<InetAddress, Window> windows;
  private final Ticker ticker;
  private final int maxFailures;
  private final long windowNanos;
  private final long blockNanos;
  // The latest blockedUntilNanos ever set, raised right after the window holding it is written (a
  // check racing with the failure that starts a block may pass, as if it had come a moment
  // earlier; the client's next request is refused).
  private final AtomicLong latestBlockEnd;

  /** Failures of one client since {@code startNanos}; blocked until {@code blockedUntilNanos}. */
  private record Window(long startNanos, int failures, long blockedUntilNanos) {}

  FailureThrottle(int maxFailures, Duration window, Duration block, long maximumClients, Ticker ticker) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.blockNanos = block.toNanos();
    this.ticker = ticker;
    this.windows = Caffeine.newBuilder()
        .maximumSize(maximumClients)
        .expireAfterWrite(Duration.ofNanos(Math.max(windowNanos, blockNanos)))
        .ticker(ticker)
        .executor(Runnable::run)
        .build();
    this.latestBlockEnd = new AtomicLong(ticker.read());
  }

  /** Seconds until {@code client} may be checked again, 0 when it may be checked now. */
  long retryAfterSeconds(InetAddress client) {
    return retryAfterSeconds(client, ticker.read());
  }

  /**
   * Seconds until {@code client} may be checked again, 0 when it may be checked now.
   *
   * @param now a reading of this throttle's ticker, taken by the caller for this request
   */
  long retryAfterSeconds(InetAddress client, long now) {
    if (now - latestBlockEnd.get() >= 0) {
      return 0;
    }
    Window window = windows.getIfPresent(keyOf(client));
    if (window == null) {
      return 0;
    }
    long remaining = window.blockedUntilNanos() - now;
    return remaining <= 0 ? 0 : (remaining + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  /** Counts one failed check; the {@code maxFailures}-th within the window starts a block. */
  void recordFailure(InetAddress client) {
    long now = ticker.read();
    Window counted = windows.asMap().compute(keyOf(client), (key, window) -> {
      if (window == null || now - window.startNanos() >= windowNanos) {
        window = new Window(now, 0, 0);
      }
      int failures = window.failures() + 1;
      long blockedUntil = failures >= maxFailures ? now + blockNanos : window.blockedUntilNanos();
      return new Window(window.startNanos(), failures, blockedUntil);
    });
    if (counted != null && counted.failures() >= maxFailures) {
      latestBlockEnd.accumulateAndGet(counted.blockedUntilNanos(),
          (latest, end) -> end - latest > 0 ? end : latest);
    }
  }

  long trackedClients() {
    return windows.estimatedSize();
  }

  static InetAddress keyOf(InetAddress client) {
    if (!(client instanceof Inet6Address)) {
      return client;
    }
    byte[] prefix = Arrays.copyOf(client.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are always a valid IPv6 address", e);
    }
  }
}
