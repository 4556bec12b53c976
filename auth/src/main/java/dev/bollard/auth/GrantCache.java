package dev.bollard.auth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The fast path in front of {@link CredentialVerifier}: the {@code Authorization} values granted
 * recently, per credential set content, so the header a browser repeats on every request is
 * answered with one keyed hash and one table read, without parsing, password digest or cache
 * upkeep, as the same already completed future every time.
 *
 * <ul>
 *   <li>Only grants are kept: a wrong password always takes the full path, where it counts as a
 *       failure for the throttle.
 *   <li>An entry holds a SipHash-2-4-128 of the header value under a random per-process key, never
 *       the value, so memory does not hold passwords (as in the verifier's cache). Another value
 *       matches only through a 128-bit collision under a key no client knows; the comparison is
 *       of those keyed hashes, so its timing says nothing about the stored value.
 *   <li>An entry names the set's fingerprint: a changed Secret misses at once, an unchanged one
 *       read again on a rebuild keeps its entries.
 *   <li>Bounded: a fixed table of at most {@link #MAX_SLOTS} slots (never more than the verifier's
 *       maximum size); a new grant replaces whatever held its slot. An entry unused for the
 *       verifier's expiry is dropped when next looked at.
 * </ul>
 *
 * <p>Thread-safe without locks: entries are immutable but for their last-access time, which is
 * written at most once per {@link #ACCESS_RESOLUTION_NANOS} so that event loops reading the same
 * entry do not keep invalidating each other's copy of it.
 */
final class GrantCache {

  /** The table size for the default verifier settings; a few users fit without collisions. */
  static final int MAX_SLOTS = 1024;

  /** How precisely the last access is kept; expiry may come this much early. */
  static final long ACCESS_RESOLUTION_NANOS = 1_000_000_000L;

  private final AtomicReferenceArray<@Nullable Entry> slots;
  private final int mask;
  private final long expireNanos;
  private final long resolutionNanos;
  private final long k0;
  private final long k1;

  /**
   * @param maximumSize the verifier's maximum size; the table has the largest power of two of
   *     slots not above it, at most {@link #MAX_SLOTS}
   * @param expireAfterAccess the verifier's expiry
   */
  GrantCache(long maximumSize, Duration expireAfterAccess) {
    int size = (int) Math.min(MAX_SLOTS, Long.highestOneBit(Math.max(1, maximumSize)));
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
    this.expireNanos = expireAfterAccess.toNanos();
    this.resolutionNanos = Math.min(ACCESS_RESOLUTION_NANOS, Math.max(1, expireNanos / 16));
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    ByteBuffer buffer = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
    this.k0 = buffer.getLong();
    this.k1 = buffer.getLong();
  }

  /** How many slots the table has. */
  int slots() {
    return slots.length();
  }

  /**
   * The remembered grant of exactly this header value under this set's content, or {@code null}.
   *
   * @param now a reading of the verifier's ticker, taken for this request
   */
  @Nullable CompletableFuture<AuthResult> lookup(CredentialSet set, String header, long now) {
    if (header.length() > BasicCredentials.MAX_HEADER_LENGTH) {
      return null;
    }
    SipHash128 hash = SipHash128.of(header, k0, k1);
    if (hash == null) {
      return null;
    }
    String fingerprint = set.fingerprint();
    int index = index(hash, fingerprint);
    Entry entry = slots.getAcquire(index);
    if (entry == null || !entry.matches(hash, fingerprint)) {
      return null;
    }
    long idle = now - entry.lastAccessNanos;
    if (idle >= expireNanos) {
      slots.compareAndSet(index, entry, null);
      return null;
    }
    if (idle >= resolutionNanos) {
      entry.lastAccessNanos = now;
    }
    return entry.answer;
  }

  /**
   * Remembers that this header value was granted under this set's content.
   *
   * @param now a reading of the verifier's ticker
   */
  void remember(CredentialSet set, String header, AuthResult.Granted granted, long now) {
    if (header.length() > BasicCredentials.MAX_HEADER_LENGTH) {
      return;
    }
    SipHash128 hash = SipHash128.of(header, k0, k1);
    if (hash == null) {
      return;
    }
    String fingerprint = set.fingerprint();
    slots.setRelease(index(hash, fingerprint), new Entry(hash, fingerprint, granted, now));
  }

  private int index(SipHash128 hash, String fingerprint) {
    return ((int) hash.h0 ^ (int) (hash.h0 >>> 32) ^ fingerprint.hashCode()) & mask;
  }

  /** One remembered grant. */
  private static final class Entry {
    private final long h0;
    private final long h1;
    private final String fingerprint;
    private final CompletableFuture<AuthResult> answer;
    private volatile long lastAccessNanos;

    Entry(SipHash128 hash, String fingerprint, AuthResult.Granted granted, long now) {
      this.h0 = hash.h0;
      this.h1 = hash.h1;
      this.fingerprint = fingerprint;
      this.answer = CompletableFuture.completedFuture(granted);
      this.lastAccessNanos = now;
    }

    boolean matches(SipHash128 hash, String fingerprint) {
      // Both halves are always compared: no early exit on the first differing half.
      return ((h0 ^ hash.h0) | (h1 ^ hash.h1)) == 0 && this.fingerprint.equals(fingerprint);
    }
  }

  /**
   * SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, the reference implementation's
   * {@code outlen == 16} variant) over a string's chars taken as bytes. Only strings of chars up
   * to {@code 0xFF} are hashed: Netty decodes header bytes as ISO-8859-1, so a header never holds
   * others, and refusing them keeps the byte mapping one-to-one.
   */
  static final class SipHash128 {
    final long h0;
    final long h1;

    private SipHash128(long h0, long h1) {
      this.h0 = h0;
      this.h1 = h1;
    }

    /** The hash, or {@code null} when a char is above {@code 0xFF}. */
    static @Nullable SipHash128 of(String value, long k0, long k1) {
      State s = new State(k0, k1);
      int length = value.length();
      int end = length & ~7;
      for (int i = 0; i < end; i += 8) {
        long m = 0;
        for (int j = i + 7; j >= i; j--) {
          char c = value.charAt(j);
          if (c > 0xFF) {
            return null;
          }
          m = (m << 8) | c;
        }
        s.v3 ^= m;
        s.rounds(2);
        s.v0 ^= m;
      }
      long last = ((long) length) << 56;
      for (int j = length - 1; j >= end; j--) {
        char c = value.charAt(j);
        if (c > 0xFF) {
          return null;
        }
        last |= ((long) c) << (8 * (j - end));
      }
      s.v3 ^= last;
      s.rounds(2);
      s.v0 ^= last;
      s.v2 ^= 0xee;
      s.rounds(4);
      long h0 = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
      s.v1 ^= 0xdd;
      s.rounds(4);
      long h1 = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
      return new SipHash128(h0, h1);
    }

    private static final class State {
      long v0;
      long v1;
      long v2;
      long v3;

      State(long k0, long k1) {
        v0 = 0x736f6d6570736575L ^ k0;
        v1 = 0x646f72616e646f6dL ^ k1 ^ 0xee;
        v2 = 0x6c7967656e657261L ^ k0;
        v3 = 0x7465646279746573L ^ k1;
      }

      void rounds(int count) {
        for (int r = 0; r < count; r++) {
          v0 += v1;
          v1 = Long.rotateLeft(v1, 13);
          v1 ^= v0;
          v0 = Long.rotateLeft(v0, 32);
          v2 += v3;
          v3 = Long.rotateLeft(v3, 16);
          v3 ^= v2;
          v0 += v3;
          v3 = Long.rotateLeft(v3, 21);
          v3 ^= v0;
          v2 += v1;
          v1 = Long.rotateLeft(v1, 17);
          v1 ^= v2;
          v2 = Long.rotateLeft(v2, 32);
        }
      }
    }
  }
}
