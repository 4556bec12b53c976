package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What Bollard remembers about ordering one certificate, stored beside it so that backoff survives
 * restarts and fail-over: a new replica reads {@link #nextAttempt()} and waits.
 *
 * @param lastAttempt when an order last started, if ever
 * @param failures consecutive failed orders since the last success
 * @param nextAttempt no order before this instant; {@code null} when not backing off
 * @param lastError a one-line reason for the last failure, for annotations and events
 */
public record RenewalState(
    @Nullable Instant lastAttempt,
    int failures,
    @Nullable Instant nextAttempt,
    @Nullable String lastError) {

  /** Nothing attempted yet. */
  public static final RenewalState NONE = new RenewalState(null, 0, null, null);

  /** Checks the failure count. */
  public RenewalState {
    if (failures < 0) {
      throw new IllegalArgumentException("failures: " + failures + " (expected: >= 0)");
    }
  }

  /**
   * The state after an order that started at {@code attempt} failed; the next try waits until
   * {@code next}.
   */
  public RenewalState failed(Instant attempt, Instant next, String error) {
    return new RenewalState(
        requireNonNull(attempt, "attempt"),
        failures + 1,
        requireNonNull(next, "next"),
        requireNonNull(error, "error"));
  }

  /** The state after an order that started at {@code attempt} succeeded. */
  public static RenewalState succeeded(Instant attempt) {
    return new RenewalState(requireNonNull(attempt, "attempt"), 0, null, null);
  }

  /** True while backing off at {@code now}. */
  public boolean backingOff(Instant now) {
    return nextAttempt != null && now.isBefore(nextAttempt);
  }
}
