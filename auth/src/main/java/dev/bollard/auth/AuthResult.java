package dev.bollard.auth;

import java.util.Objects;

/**
 * The answer to one {@code Authorization} header: {@link Granted}, {@link Denied} (answer 401
 * with a challenge) or {@link Throttled} (answer 429 with {@code Retry-After}).
 */
public sealed interface AuthResult {

  /** Whether the request may pass. */
  boolean granted();

  /**
   * The credentials are right.
   *
   * @param user the user name as sent, for the access log
   */
  record Granted(String user) implements AuthResult {
    /** Checks the user. */
    public Granted {
      Objects.requireNonNull(user, "user");
    }

    @Override
    public boolean granted() {
      return true;
    }
  }

  /**
   * The request may not pass; answer 401 with a {@code WWW-Authenticate} challenge.
   *
   * @param reason why, for logs and counters
   */
  record Denied(Reason reason) implements AuthResult {
    /** Checks the reason. */
    public Denied {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean granted() {
      return false;
    }
  }

  /**
   * The client failed too often recently and was not checked at all; answer 429 with
   * {@code Retry-After}.
   *
   * @param retryAfterSeconds when to try again, at least 1
   */
  record Throttled(long retryAfterSeconds) implements AuthResult {
    /** Checks the delay. */
    public Throttled {
      if (retryAfterSeconds < 1) {
        throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 1)");
      }
    }

    @Override
    public boolean granted() {
      return false;
    }
  }

  /** Why a request was {@link Denied}. */
  enum Reason {
    /** No {@code Authorization} header, or one with another scheme: a browser's first request. */
    MISSING,
    /** A {@code Basic} value that is not base64 of UTF-8 {@code user:password}. */
    MALFORMED,
    /** Unknown user or wrong password; the two are indistinguishable on purpose. */
    WRONG_CREDENTIALS
  }
}
