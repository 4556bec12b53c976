package dev.bollard.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Checks credentials against a {@link CredentialSet} on a given executor and remembers the answer,
 * so each (set, user, password) costs one hash computation however many requests carry it, and
 * identical checks in flight share one computation.
 *
 * <p>The cache key never holds the password: only a SHA-256 of it under a random per-process
 * salt, next to the set's content fingerprint, so a changed Secret or password is a new key.
 */
final class CredentialVerifier {

  /** The hash computation; replaced in tests to count calls. */
  @FunctionalInterface
  interface HashCheck {
    boolean matches(PasswordHash hash, byte[] password);
  }

  private static final AuthResult WRONG = new AuthResult.Denied(AuthResult.Reason.WRONG_CREDENTIALS);

  private final AsyncCache<Key, AuthResult> cache;
  private final Executor executor;
  private final HashCheck hashCheck;
  private final MessageDigest saltedDigest;
  private final LongAdder hashComputations = new LongAdder();
  // Written with the decoy's answer so the decoy computation cannot be optimised away.
  @SuppressWarnings("unused")
  private volatile boolean decoySink;

  CredentialVerifier(Executor executor, long maximumSize, Duration expireAfterAccess, Ticker ticker,
      HashCheck hashCheck) {
    this.executor = executor;
    this.hashCheck = hashCheck;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterAccess(expireAfterAccess)
        .ticker(ticker)
        // Cache upkeep is a few pointer moves: doing it on the calling thread avoids handing
        // work to the common pool. Hashing goes to the given executor explicitly below.
        .executor(Runnable::run)
        .buildAsync();
    this.saltedDigest = sha256();
    byte[] salt = new byte[32];
    new SecureRandom().nextBytes(salt);
    saltedDigest.update(salt);
  }

  /**
   * The answer for present credentials: an already completed future when cached, otherwise one
   * completed on the executor (exceptionally with {@link RejectedExecutionException} when the
   * executor refuses the work).
   */
  CompletableFuture<AuthResult> verify(CredentialSet set, BasicCredentials credentials) {
    String user = credentials.user();
    byte[] password = credentials.password();
    Key key = new Key(set.fingerprint(), user, digest(password));
    try {
      return cache.get(key, (k, unused) ->
          CompletableFuture.supplyAsync(() -> check(set, user, password), executor));
    } catch (RejectedExecutionException e) {
      // Thrown before anything was cached, so the next request tries again; a failed future in
      // the cache would be logged with a stack trace on every overload.
      return CompletableFuture.failedFuture(e);
    }
  }

  long hashComputations() {
    return hashComputations.sum();
  }

  long cachedResults() {
    return cache.synchronous().estimatedSize();
  }

  private AuthResult check(CredentialSet set, String user, byte[] password) {
    PasswordHash hash = set.hashOf(user);
    if (hash != null) {
      hashComputations.increment();
      return hashCheck.matches(hash, password) ? new AuthResult.Granted(user) : WRONG;
    }
    // An unknown user pays for the same kind of hash as a known one, so response time does not
    // tell which user names exist.
    PasswordHash decoy = set.decoy();
    if (decoy != null) {
      hashComputations.increment();
      decoySink = hashCheck.matches(decoy, password);
    }
    return WRONG;
  }

  private byte[] digest(byte[] password) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) saltedDigest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
    return digest.digest(password);
  }

  private static MessageDigest sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.clone();
      return digest;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 with clone() is required", e);
    }
  }

  /** (set content, user, salted password digest). */
  private static final class Key {
    private final String fingerprint;
    private final String user;
    private final byte[] passwordDigest;
    private final int hash;

    Key(String fingerprint, String user, byte[] passwordDigest) {
      this.fingerprint = fingerprint;
      this.user = user;
      this.passwordDigest = passwordDigest;
      this.hash = 31 * (31 * fingerprint.hashCode() + user.hashCode()) + Arrays.hashCode(passwordDigest);
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Key that
          && hash == that.hash
          && fingerprint.equals(that.fingerprint)
          && user.equals(that.user)
          && Arrays.equals(passwordDigest, that.passwordDigest);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
