package dev.bollard.acme;

import dev.bollard.acme.CertificateEvents.OrderReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Pure decisions: whether a certificate needs an order now, and how long to back off after a
 * failure.
 */
final class RenewalPolicy {
  private final double renewFraction;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  RenewalPolicy(double renewFraction, Duration initialBackoff, Duration maxBackoff) {
    this.renewFraction = renewFraction;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Why {@code desired} needs an order at {@code now}, or empty if it does not. Backoff is checked
   * separately, so this answers "is it due", not "may we order".
   */
  Optional<OrderReason> reason(
      DesiredCertificate desired,
      @Nullable CertificateBundle current,
      Instant now,
      Optional<RenewalWindow> window) {
    if (current == null) {
      return Optional.of(OrderReason.MISSING);
    }
    if (!current.hosts().equals(desired.hosts())) {
      return Optional.of(OrderReason.HOSTS_CHANGED);
    }
    return !now.isBefore(renewAt(desired.name(), current, window))
        ? Optional.of(OrderReason.RENEWAL_DUE)
        : Optional.empty();
  }

  /**
   * When to renew: the lifetime threshold, or earlier if the CA's renewal window says so. Inside
   * the window, a point derived from the name spreads renewals (RFC 9773 asks for a random point)
   * while every replica and every pass computes the same one.
   */
  Instant renewAt(String name, CertificateBundle current, Optional<RenewalWindow> window) {
    Duration lifetime = Duration.between(current.notBefore(), current.notAfter());
    Instant threshold =
        current.notAfter().minusMillis((long) (lifetime.toMillis() * renewFraction));
    if (window.isEmpty()) {
      return threshold;
    }
    Duration span = Duration.between(window.get().start(), window.get().end());
    double spread = Math.floorMod(name.hashCode(), 1000) / 1000.0;
    Instant inWindow = window.get().start().plusMillis((long) (span.toMillis() * spread));
    return inWindow.isBefore(threshold) ? inWindow : threshold;
  }

  /**
   * Next allowed attempt after the {@code failures}-th consecutive failure (1-based), honouring
   * Retry-After.
   */
  Instant nextAttempt(Instant now, int failures, Optional<Instant> retryAfter) {
    Duration backoff = initialBackoff;
    for (int i = 1; i < failures && backoff.compareTo(maxBackoff) < 0; i++) {
      backoff = backoff.multipliedBy(2);
    }
    Instant next = now.plus(backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff);
    return retryAfter.filter(next::isBefore).orElse(next);
  }
}
