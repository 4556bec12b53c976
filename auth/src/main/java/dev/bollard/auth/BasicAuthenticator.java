package dev.bollard.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Answers {@code Authorization: Basic} headers against a {@link CredentialSet}, for a caller that
 * must never block (a Netty event loop).
 *
 * <ul>
 *   <li>Hashing runs on the executor given to {@link #builder(Executor)}, never on the caller's
 *       thread.
 *   <li>Results are cached per (set content, user, password), so bcrypt runs once per credential;
 *       a cached answer comes back as an already completed future, without a thread hop.
 *   <li>A header value that was granted is answered again, under the same set content, from a
 *       small table keyed by a keyed hash of the value, before any parsing: the repeated header
 *       of a signed-in browser costs a hash of the header and returns one shared future.
 *   <li>Identical checks in flight share one computation.
 *   <li>A client that fails {@code maxFailures} times within the failure window is answered
 *       {@link AuthResult.Throttled} for the block duration, without any check.
 * </ul>
 *
 * <p>One instance serves every guarded host of a process: the set's content is part of the cache
 * key. Thread-safe.
 */
public final class BasicAuthenticator {

  private final CredentialVerifier verifier;
  private final GrantCache grants;
  private final FailureThrottle throttle;
  private final Ticker ticker;
  private final LongAdder granted = new LongAdder();
  private final LongAdder missing = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder wrongCredentials = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final AuthStats stats = new Stats();

  private BasicAuthenticator(
      CredentialVerifier verifier, GrantCache grants, FailureThrottle throttle, Ticker ticker) {
    this.verifier = verifier;
    this.grants = grants;
    this.throttle = throttle;
    this.ticker = ticker;
  }

  /**
   * Starts a builder.
   *
   * @param executor runs hash computations; a small bounded pool is right (bcrypt is CPU-bound).
   *     When it rejects work, the verification future fails with the rejection and the caller
   *     should answer 503.
   */
  public static Builder builder(Executor executor) {
    return new Builder(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Checks one request.
   *
   * <p>The returned future is already complete for a throttled client, a missing or malformed
   * header, and a cached answer. Otherwise it completes on the executor's thread: a Netty caller
   * goes back to its event loop before touching the channel. It completes exceptionally only when
   * the executor rejects the work.
   *
   * <p>A header value granted before under the same set content gets one shared future (and
   * {@link AuthResult.Granted} instance) every time: callers read it and never complete or
   * obtrude it.
   *
   * @param set the realm's credentials
   * @param authorizationHeader the {@code Authorization} value, {@code null} when absent
   * @param client the client's address, for throttling
   */
  public CompletableFuture<AuthResult> verify(
      CredentialSet set, @Nullable String authorizationHeader, InetAddress client) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(client, "client");
    long now = ticker.read();
    // Before the grant table: a blocked client must not learn which guesses are right.
    long retryAfter = throttle.retryAfterSeconds(client, now);
    if (retryAfter > 0) {
      throttled.increment();
      return CompletableFuture.completedFuture(new AuthResult.Throttled(retryAfter));
    }
    if (authorizationHeader != null) {
      CompletableFuture<AuthResult> known = grants.lookup(set, authorizationHeader, now);
      if (known != null) {
        granted.increment();
        return known;
      }
    }
    BasicCredentials credentials = BasicCredentials.parse(authorizationHeader);
    switch (credentials.outcome()) {
      case MISSING:
        missing.increment();
        return CompletableFuture.completedFuture(new AuthResult.Denied(AuthResult.Reason.MISSING));
      case MALFORMED:
        malformed.increment();
        throttle.recordFailure(client);
        return CompletableFuture.completedFuture(new AuthResult.Denied(AuthResult.Reason.MALFORMED));
      default:
        // Credentials are present only when a header was.
        String header = Objects.requireNonNull(authorizationHeader, "authorizationHeader");
        return verifier.verify(set, credentials)
            .thenApply(result -> count(result, set, header, client));
    }
  }

  private AuthResult count(
      AuthResult result, CredentialSet set, String authorizationHeader, InetAddress client) {
    if (result instanceof AuthResult.Granted grant) {
      granted.increment();
      grants.remember(set, authorizationHeader, grant, ticker.read());
    } else {
      wrongCredentials.increment();
      throttle.recordFailure(client);
    }
    return result;
  }

  /** Running totals for metrics. */
  public AuthStats stats() {
    return stats;
  }

  /**
   * The {@code WWW-Authenticate} value for a 401: {@code Basic realm="...", charset="UTF-8"}, with
   * quotes and backslashes in the realm escaped and control characters replaced by spaces.
   */
  public static String challenge(String realm) {
    Objects.requireNonNull(realm, "realm");
    StringBuilder value = new StringBuilder(realm.length() + 32).append("Basic realm=\"");
    for (int i = 0; i < realm.length(); i++) {
      char c = realm.charAt(i);
      if (c == '"' || c == '\\') {
        value.append('\\').append(c);
      } else {
        value.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return value.append("\", charset=\"UTF-8\"").toString();
  }

  private final class Stats implements AuthStats {
    @Override
    public long granted() {
      return granted.sum();
    }

    @Override
    public long missing() {
      return missing.sum();
    }

    @Override
    public long malformed() {
      return malformed.sum();
    }

    @Override
    public long wrongCredentials() {
      return wrongCredentials.sum();
    }

    @Override
    public long throttled() {
      return throttled.sum();
    }

    @Override
    public long hashComputations() {
      return verifier.hashComputations();
    }

    @Override
    public long cachedResults() {
      return verifier.cachedResults();
    }

    @Override
    public long trackedClients() {
      return throttle.trackedClients();
    }
  }

  /** Configures a {@link BasicAuthenticator}; every setting has a default but the executor. */
  public static final class Builder {
    private final Executor executor;
    private long cacheMaximumSize = 10_000;
    private Duration cacheExpireAfterAccess = Duration.ofMinutes(15);
    private int maxFailures = 10;
    private Duration failureWindow = Duration.ofMinutes(1);
    private Duration blockDuration = Duration.ofMinutes(1);
    private long maximumTrackedClients = 100_000;
    private Ticker ticker = Ticker.systemTicker();
    private CredentialVerifier.HashCheck hashCheck = PasswordHash::matches;

    private Builder(Executor executor) {
      this.executor = executor;
    }

    /** How many verification results to keep; default 10,000. */
    public Builder cacheMaximumSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("cacheMaximumSize: " + size + " (expected: >= 1)");
      }
      this.cacheMaximumSize = size;
      return this;
    }

    /** How long an unused verification result is kept; default 15 minutes. */
    public Builder cacheExpireAfterAccess(Duration duration) {
      this.cacheExpireAfterAccess = positive(duration, "cacheExpireAfterAccess");
      return this;
    }

    /** Failures within the window after which a client is blocked; default 10. */
    public Builder maxFailures(int failures) {
      if (failures < 1) {
        throw new IllegalArgumentException("maxFailures: " + failures + " (expected: >= 1)");
      }
      this.maxFailures = failures;
      return this;
    }

    /** The window failures are counted in, from a client's first failure; default 1 minute. */
    public Builder failureWindow(Duration window) {
      this.failureWindow = positive(window, "failureWindow");
      return this;
    }

    /** How long a client that reached the limit is refused; default 1 minute. */
    public Builder blockDuration(Duration duration) {
      this.blockDuration = positive(duration, "blockDuration");
      return this;
    }

    /** How many failing clients to remember; default 100,000. */
    public Builder maximumTrackedClients(long clients) {
      if (clients < 1) {
        throw new IllegalArgumentException("maximumTrackedClients: " + clients + " (expected: >= 1)");
      }
      this.maximumTrackedClients = clients;
      return this;
    }

    /** The time source for cache expiry and throttling; tests pass a fake one. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    Builder hashCheck(CredentialVerifier.HashCheck hashCheck) {
      this.hashCheck = Objects.requireNonNull(hashCheck, "hashCheck");
      return this;
    }

    /** Builds the authenticator. */
    public BasicAuthenticator build() {
      CredentialVerifier verifier = new CredentialVerifier(
          executor, cacheMaximumSize, cacheExpireAfterAccess, ticker, hashCheck);
      FailureThrottle throttle = new FailureThrottle(
          maxFailures, failureWindow, blockDuration, maximumTrackedClients, ticker);
      GrantCache grants = new GrantCache(cacheMaximumSize, cacheExpireAfterAccess);
      return new BasicAuthenticator(verifier, grants, throttle, ticker);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0)");
      }
      return duration;
    }
  }
}
