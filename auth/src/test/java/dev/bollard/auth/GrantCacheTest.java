package dev.bollard.auth;

import static dev.bollard.auth.BasicCredentialsTest.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.crypto.macs.SipHash128;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class GrantCacheTest {

  // Password "x" (vectors.tsv); the other set gives alice another hash.
  private static final CredentialSet SET = Htpasswd.parse("alice:{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI=\n", "a");
  private static final CredentialSet OTHER_SET =
      Htpasswd.parse("alice:$apr1$CbLCQOmx$rT/upVCOXAtAV3CRA2XL90\n", "b");
  private static final AuthResult.Granted ALICE = new AuthResult.Granted("alice");
  private static final Duration EXPIRY = Duration.ofMinutes(15);

  @Test
  void sipHashMatchesTheReferenceVector() {
    // SipHash-2-4 with 128-bit output, key 00..0f, empty message: the reference's first vector.
    long k0 = 0x0706050403020100L;
    long k1 = 0x0f0e0d0c0b0a0908L;

    GrantCache.SipHash128 hash = GrantCache.SipHash128.of("", k0, k1);

    assertThat(littleEndian(hash)).isEqualTo("a3817f04ba25a8e66df67214c7550293");
  }

  @Test
  void sipHashMatchesBouncyCastleForEveryLengthAndByte() {
    SplittableRandom random = new SplittableRandom(7);
    for (int length = 0; length <= 80; length++) {
      for (int round = 0; round < 20; round++) {
        byte[] key = new byte[16];
        random.nextBytes(key);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
          chars[i] = (char) random.nextInt(256);
        }
        String value = new String(chars);
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);

        GrantCache.SipHash128 ours = GrantCache.SipHash128.of(value, k.getLong(), k.getLong());

        SipHash128 reference = new SipHash128();
        reference.init(new KeyParameter(key));
        byte[] input = value.getBytes(StandardCharsets.ISO_8859_1);
        reference.update(input, 0, input.length);
        byte[] expected = new byte[16];
        reference.doFinal(expected, 0);
        assertThat(littleEndian(ours)).as("length %d", length)
            .isEqualTo(HexFormat.of().formatHex(expected));
      }
    }
  }

  @Test
  void charsAboveLatin1AreNeverHashedSoTheyCannotAliasAnotherHeader() {
    GrantCache cache = new GrantCache(1024, EXPIRY);
    // U+0161 has the low byte of 'a'; hashing only low bytes would make these two one key.
    String wide = "Basic YWxp\u0161";
    String narrow = "Basic YWxpa";

    assertThat(GrantCache.SipHash128.of(wide, 1, 2)).isNull();
    cache.remember(SET, wide, ALICE, 0);
    assertThat(cache.lookup(SET, narrow, 0)).isNull();
    assertThat(cache.lookup(SET, wide, 0)).isNull();
  }

  @Test
  void answersOnlyTheSameHeaderUnderTheSameSetContent() {
    GrantCache cache = new GrantCache(1024, EXPIRY);
    String header = basic("alice:x");
    cache.remember(SET, header, ALICE, 0);

    CompletableFuture<AuthResult> first = cache.lookup(SET, header, 0);
    assertThat(first).isCompletedWithValue(ALICE);
    assertThat(cache.lookup(SET, header, 1)).isSameAs(first);
    // Same content read again (another source name, another instance): still known.
    CredentialSet reread = Htpasswd.fromAuthMap(
        java.util.Map.of("alice", "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI="), "rebuilt");
    assertThat(cache.lookup(reread, header, 2)).isSameAs(first);

    assertThat(cache.lookup(OTHER_SET, header, 3)).isNull();
    assertThat(cache.lookup(SET, basic("alice:y"), 4)).isNull();
    assertThat(cache.lookup(SET, header + " ", 5)).isNull();
    assertThat(cache.lookup(SET, basic("alice:x").toLowerCase(java.util.Locale.ROOT), 6)).isNull();
  }

  @Test
  void aNewGrantReplacesTheOneInItsSlot() {
    GrantCache cache = new GrantCache(1, EXPIRY);
    assertThat(cache.slots()).isEqualTo(1);
    cache.remember(SET, basic("alice:x"), ALICE, 0);
    cache.remember(SET, basic("bob:y"), new AuthResult.Granted("bob"), 0);

    assertThat(cache.lookup(SET, basic("alice:x"), 0)).isNull();
    assertThat(cache.lookup(SET, basic("bob:y"), 0)).isCompletedWithValue(new AuthResult.Granted("bob"));
  }

  @Test
  void tableSizeFollowsTheVerifiersMaximumUpToTheCap() {
    assertThat(new GrantCache(1, EXPIRY).slots()).isEqualTo(1);
    assertThat(new GrantCache(100, EXPIRY).slots()).isEqualTo(64);
    assertThat(new GrantCache(10_000, EXPIRY).slots()).isEqualTo(GrantCache.MAX_SLOTS);
  }

  @Test
  void unusedGrantsExpireAndUseKeepsThemAlive() {
    GrantCache cache = new GrantCache(1024, EXPIRY);
    String header = basic("alice:x");
    long minute = Duration.ofMinutes(1).toNanos();
    cache.remember(SET, header, ALICE, 0);

    assertThat(cache.lookup(SET, header, 14 * minute)).isNotNull();
    assertThat(cache.lookup(SET, header, 28 * minute)).isNotNull();
    assertThat(cache.lookup(SET, header, 43 * minute)).isNull();
    // Dropped, not only skipped: an earlier time does not bring it back.
    assertThat(cache.lookup(SET, header, 28 * minute)).isNull();
  }

  @Test
  void oversizedHeadersAreLeftToTheParser() {
    GrantCache cache = new GrantCache(1024, EXPIRY);
    String huge = "Basic " + "A".repeat(BasicCredentials.MAX_HEADER_LENGTH);
    cache.remember(SET, huge, ALICE, 0);

    assertThat(cache.lookup(SET, huge, 0)).isNull();
  }

  private static String littleEndian(GrantCache.SipHash128 hash) {
    ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(hash.h0).putLong(hash.h1);
    return HexFormat.of().formatHex(out.array());
  }
}
