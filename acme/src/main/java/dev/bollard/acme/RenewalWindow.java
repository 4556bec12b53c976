package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The time span in which the CA suggests renewing a certificate (ACME Renewal Information, RFC
 * 9773).
 *
 * @param start renewing before this is unnecessary
 * @param end renewing after this is overdue
 */
public record RenewalWindow(Instant start, Instant end) {
  /** Checks that the window is not inverted. */
  public RenewalWindow {
    requireNonNull(start, "start");
    requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException(
          "end: " + end + " (expected: not before start " + start + ")");
    }
  }
}
