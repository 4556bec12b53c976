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
 * @param fingerprint the {@linkplain Issuer#fingerprint() issuer} the failures were met with, empty
 *     if unknown: failures met with another issuer (directory or trust changed since) do not hold
 *     back an order
 */
public record RenewalState(
    @Nullable Instant lastAttempt,
    int failures,
    @Nullable Instant nextAttempt,
    @Nullable String lastError,
    String fingerprint) {

  /** Nothing attempted yet. */
  public static final RenewalState NONE = new RenewalState(null, 0, null, null, "");

  /** Checks the failure count; a {@code null} fingerprint is empty. */
  public RenewalState {
    if (failures < 0) {
      throw new IllegalArgumentException("failures: " + failures + " (expected: >= 0)");
    }
    fingerprint = fingerprint == null ? "" : fingerprint;
  }

  /** A state without an issuer fingerprint (written before fingerprints were recorded). */
  public RenewalState(
      @Nullable Instant lastAttempt,
      int failures,
      @Nullable Instant nextAttempt,
      @Nullable String lastError) {
    this(lastAttempt, failures, nextAttempt, lastError, "");
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
        requireNonNull(error, "error"),
        fingerprint);
  }

  /**
   * This state as seen by the issuer with {@code issuerFingerprint}: unchanged if the failures were
   * met with it, else without failures or backoff (the last attempt kept), under the new
   * fingerprint.
   */
  public RenewalState forIssuer(String issuerFingerprint) {
    requireNonNull(issuerFingerprint, "issuerFingerprint");
    return issuerFingerprint.equals(fingerprint)
        ? this
        : new RenewalState(lastAttempt, 0, null, null, issuerFingerprint);
  }

  /** The state after an order that started at {@code attempt} succeeded. */
  public static RenewalState succeeded(Instant attempt) {
    return new RenewalState(requireNonNull(attempt, "attempt"), 0, null, null, "");
  }

  /** True while backing off at {@code now}. */
  public boolean backingOff(Instant now) {
    return nextAttempt != null && now.isBefore(nextAttempt);
  }

  /**
   * True while backing off at {@code now} from failures met with the issuer with {@code
   * issuerFingerprint}.
   */
  public boolean backingOff(Instant now, String issuerFingerprint) {
    return backingOff(now) && fingerprint.equals(issuerFingerprint);
  }
}
