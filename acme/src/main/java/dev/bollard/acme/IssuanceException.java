package dev.bollard.acme;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An order failed. The message is one line meant for logs, annotations and Kubernetes events. */
public final class IssuanceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable Instant retryAfter;
  private final boolean rateLimited;

  /**
   * @param message what failed, naming the hosts
   * @param retryAfter the CA's {@code Retry-After}, if it sent one
   * @param rateLimited true for HTTP 429 / {@code rateLimited} problems
   * @param cause the underlying failure, if any
   */
  public IssuanceException(
      String message,
      @Nullable Instant retryAfter,
      boolean rateLimited,
      @Nullable Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
    this.rateLimited = rateLimited;
  }

  /** A failure without a server hint. */
  public IssuanceException(String message, @Nullable Throwable cause) {
    this(message, null, false, cause);
  }

  /** The earliest time the CA allows another attempt, if it said so. */
  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True if the CA rate-limited the account. */
  public boolean rateLimited() {
    return rateLimited;
  }
}
