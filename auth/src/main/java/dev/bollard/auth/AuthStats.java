package dev.bollard.auth;

/**
 * Running totals of a {@link BasicAuthenticator}, for the metrics code to read (for example as
 * Micrometer function counters and gauges). Every method is cheap and safe from any thread.
 */
public interface AuthStats {

  /** Requests whose credentials were right. */
  long granted();

  /** Requests without Basic credentials (challenged, not counted as failures). */
  long missing();

  /** Requests with a Basic value that could not be read; each counts as a failure. */
  long malformed();

  /** Requests with an unknown user or a wrong password. */
  long wrongCredentials();

  /** Requests refused without a check because their client failed too often. */
  long throttled();

  /** Hash computations run, decoys for unknown users included; the rest were cache hits. */
  long hashComputations();

  /** Verification results currently cached (an estimate). */
  long cachedResults();

  /** Clients with recent failures currently remembered (an estimate). */
  long trackedClients();
}
