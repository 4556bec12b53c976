package dev.bollard.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Counts failed checks per client and blocks a client that reaches the limit within a window.
 * IPv6 clients are counted per /64, since one host commonly owns a whole /64. Memory is bounded:
 * the least recently seen clients are forgotten first.
 */
final class FailureThrottle {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Cache<InetAddress, Window> windows;
  private final Ticker ticker;
  private final int maxFailures;
  private final long windowNanos;
  private final long blockNanos;

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
  }

  /** Seconds until {@code client} may be checked again, 0 when it may be checked now. */
  long retryAfterSeconds(InetAddress client) {
    Window window = windows.getIfPresent(keyOf(client));
    if (window == null) {
      return 0;
    }
    long remaining = window.blockedUntilNanos() - ticker.read();
    return remaining <= 0 ? 0 : (remaining + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  /** Counts one failed check; the {@code maxFailures}-th within the window starts a block. */
  void recordFailure(InetAddress client) {
    long now = ticker.read();
    windows.asMap().compute(keyOf(client), (key, window) -> {
      if (window == null || now - window.startNanos() >= windowNanos) {
        window = new Window(now, 0, 0);
      }
      int failures = window.failures() + 1;
      long blockedUntil = failures >= maxFailures ? now + blockNanos : window.blockedUntilNanos();
      return new Window(window.startNanos(), failures, blockedUntil);
    });
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
