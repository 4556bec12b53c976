package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * External authentication answers kept for {@code auth-cache-duration}, by a key {@link
 * ExternalAuth} derives from the request (see there: it always includes the client's credentials,
 * so two users never share an answer). Bounded; one per server, shared by every event loop.
 */
public final class AuthCache {

  /** A kept answer and how long it stays. */
  private record Kept(AuthReply reply, Duration ttl) {}

  private final Cache<String, Kept> answers;

  /** @param maxEntries the most answers kept; the least recently used go first */
  public AuthCache(long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 1)");
    }
    this.answers = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run)
        .expireAfter(Expiry.creating((String k, Kept v) -> v.ttl())).build();
  }

  /** The answer kept under {@code key}, or {@code null}. */
  public @Nullable AuthReply get(String key) {
    Kept kept = answers.getIfPresent(key);
    return kept == null ? null : kept.reply();
  }

  /** Keeps {@code reply} under {@code key} for {@code ttl}. */
  public void put(String key, AuthReply reply, Duration ttl) {
    if (!ttl.isNegative() && !ttl.isZero()) {
      answers.put(key, new Kept(reply, ttl));
    }
  }
}
