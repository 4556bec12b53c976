package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The deadline a gRPC client gives its call in {@code grpc-timeout} (gRPC over HTTP/2: at most
 * eight digits and a unit, {@code H}ours, {@code M}inutes, {@code S}econds, {@code m}illi-, {@code
 * u} micro- or {@code n}anoseconds). The header goes upstream unchanged, so the server knows it
 * too; the proxy ends the call with {@code DEADLINE_EXCEEDED} itself when it passes. An instance is
 * one call's running deadline: one timer on the client's event loop.
 */
final class GrpcTimeout {

  static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");

  /** No (usable) {@code grpc-timeout}. */
  static final long NONE = -1;

  private final long nanos;
  private final long deadline;
  private final ScheduledFuture<?> timer;

  private GrpcTimeout(long nanos, EventExecutor loop, Runnable onExpiry) {
    this.nanos = nanos;
    this.deadline = System.nanoTime() + nanos;
    this.timer = loop.schedule(onExpiry, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The deadline of {@code request}'s {@code grpc-timeout}, running {@code onExpiry} on {@code
   * loop} when it passes; {@code null} when the request has none.
   */
  static @Nullable GrpcTimeout start(HttpRequest request, EventExecutor loop,
      Runnable onExpiry) {
    long timeout = nanos(request);
    return timeout == NONE ? null : new GrpcTimeout(timeout, loop, onExpiry);
  }

  /** Whether the deadline has passed, though its timer may not have run yet. */
  boolean passed() {
    return System.nanoTime() - deadline >= 0;
  }

  /** Stops the timer (the call is over, or its expiry is handled now). */
  void cancel() {
    timer.cancel(false);
  }

  /** For messages: {@code "grpc-timeout 300 ms"}. */
  String describe() {
    return "grpc-timeout " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }

  /** The call's timeout in nanoseconds, or {@link #NONE} when absent or malformed. */
  static long nanos(HttpRequest request) {
    String value = request.headers().get(GRPC_TIMEOUT);
    return value == null ? NONE : parse(value);
  }

  /** {@code value} in nanoseconds, or {@link #NONE} unless it is 1 to 8 digits and a unit. */
  static long parse(String value) {
    int n = value.length();
    if (n < 2 || n > 9) {
      return NONE;
    }
    long amount = 0;
    for (int i = 0; i < n - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return NONE;
      }
      amount = amount * 10 + (c - '0');
    }
    TimeUnit unit;
    switch (value.charAt(n - 1)) {
      case 'H':
        unit = TimeUnit.HOURS;
        break;
      case 'M':
        unit = TimeUnit.MINUTES;
        break;
      case 'S':
        unit = TimeUnit.SECONDS;
        break;
      case 'm':
        unit = TimeUnit.MILLISECONDS;
        break;
      case 'u':
        unit = TimeUnit.MICROSECONDS;
        break;
      case 'n':
        unit = TimeUnit.NANOSECONDS;
        break;
      default:
        return NONE;
    }
    return unit.toNanos(amount);
  }
}
