package dev.bollard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * One stored password hash in a format Bollard accepts, checked against a candidate password.
 *
 * @param format the algorithm
 * @param encoded the hash exactly as stored ({@code $2y$05$...}, {@code {SSHA}...})
 * @param cost the work factor: bcrypt's log2 rounds, SHA-crypt's rounds, 1 for the others. Two
 *     hashes with the same format and cost take the same time to check.
 */
record PasswordHash(Format format, String encoded, int cost) {

  /** Hash algorithms accepted in htpasswd entries. */
  enum Format {
    BCRYPT,
    APR1,
    SHA256_CRYPT,
    SHA512_CRYPT,
    SHA1,
    SSHA
  }

  /** Refusal of a stored hash; the message never contains the hash text itself. */
  static final class UnsupportedHashException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedHashException(String message) {
      super(message, null, false, false);
    }
  }

  private static final String B64 = "[./0-9A-Za-z]";
  private static final Pattern BCRYPT =
      Pattern.compile("\\$2([aby])\\$(\\d\\d)\\$" + B64 + "{53}");
  private static final Pattern APR1 = Pattern.compile("\\$apr1\\$" + B64 + "{1,8}\\$" + B64 + "{22}");
  private static final Pattern SHA_CRYPT =
      Pattern.compile("\\$([56])\\$(?:rounds=(\\d{1,10})\\$)?" + B64 + "{1,16}\\$(" + B64 + "+)");
  private static final Pattern DES_CRYPT = Pattern.compile(B64 + "{13}");
  private static final Pattern CRYPT_PREFIX = Pattern.compile("\\$[0-9A-Za-z]{1,12}\\$.*");

  static final int MIN_BCRYPT_COST = 4;
  // htpasswd's own limit; one check at 17 already takes seconds.
  static final int MAX_BCRYPT_COST = 17;
  private static final int DEFAULT_SHA_CRYPT_ROUNDS = 5000;
  private static final int MIN_SHA_CRYPT_ROUNDS = 1000;
  // Far above anything a tool writes by default, low enough that one bad entry cannot pin a
  // verification thread for minutes.
  static final int MAX_SHA_CRYPT_ROUNDS = 10_000_000;
  private static final int SHA1_LENGTH = 20;

  /**
   * Parses a stored hash.
   *
   * @throws UnsupportedHashException when the format is unknown, unsafe or malformed
   */
  static PasswordHash parse(String encoded) throws UnsupportedHashException {
    if (encoded.startsWith("$2")) {
      return parseBcrypt(encoded);
    }
    if (encoded.startsWith("$apr1$")) {
      if (!APR1.matcher(encoded).matches()) {
        throw new UnsupportedHashException(
            "malformed Apache MD5 ($apr1$) hash; re-create the entry with htpasswd");
      }
      return new PasswordHash(Format.APR1, encoded, 1);
    }
    if (encoded.startsWith("$5$") || encoded.startsWith("$6$")) {
      return parseShaCrypt(encoded);
    }
    if (encoded.startsWith("{SHA}")) {
      byte[] digest = decodeBase64(encoded.substring(5));
      if (digest == null || digest.length != SHA1_LENGTH) {
        throw new UnsupportedHashException(
            "malformed {SHA} hash (expected: base64 of a 20-byte SHA-1 digest)");
      }
      return new PasswordHash(Format.SHA1, encoded, 1);
    }
    if (encoded.startsWith("{SSHA}")) {
      byte[] digestAndSalt = decodeBase64(encoded.substring(6));
      if (digestAndSalt == null || digestAndSalt.length <= SHA1_LENGTH) {
        throw new UnsupportedHashException(
            "malformed {SSHA} hash (expected: base64 of a 20-byte SHA-1 digest followed by a salt)");
      }
      return new PasswordHash(Format.SSHA, encoded, 1);
    }
    if (encoded.startsWith("$1$")) {
      throw new UnsupportedHashException(
          "MD5-crypt ($1$) is not accepted; re-create the entry with htpasswd -B (bcrypt)");
    }
    if (encoded.isEmpty()) {
      throw new UnsupportedHashException(
          "empty password hash; re-create the entry with htpasswd -B (bcrypt)");
    }
    if (DES_CRYPT.matcher(encoded).matches()) {
      throw new UnsupportedHashException(
          "DES crypt is unsafe (only 8 password characters count) and refused;"
              + " re-create the entry with htpasswd -B (bcrypt)");
    }
    if (CRYPT_PREFIX.matcher(encoded).matches()) {
      String prefix = encoded.substring(0, encoded.indexOf('$', 1) + 1);
      throw new UnsupportedHashException(
          "unsupported hash format " + prefix + "; use bcrypt ($2y$), $apr1$, $5$, $6$, {SHA} or {SSHA}");
    }
    throw new UnsupportedHashException(
        "not a recognised password hash (plain-text passwords are refused);"
            + " re-create the entry with htpasswd -B (bcrypt)");
  }

  private static PasswordHash parseBcrypt(String encoded) throws UnsupportedHashException {
    Matcher m = BCRYPT.matcher(encoded);
    if (!m.matches()) {
      throw new UnsupportedHashException(
          "unsupported or malformed bcrypt hash"
              + " (expected: $2a$, $2b$ or $2y$, two-digit cost, 53 characters)");
    }
    int cost = Integer.parseInt(m.group(2));
    if (cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
      throw new UnsupportedHashException(
          "bcrypt cost " + cost + " (expected: " + MIN_BCRYPT_COST + "-" + MAX_BCRYPT_COST + ")");
    }
    return new PasswordHash(Format.BCRYPT, encoded, cost);
  }

  private static PasswordHash parseShaCrypt(String encoded) throws UnsupportedHashException {
    Matcher m = SHA_CRYPT.matcher(encoded);
    boolean sha256 = encoded.charAt(1) == '5';
    int hashLength = sha256 ? 43 : 86;
    String name = sha256 ? "SHA-256-crypt ($5$)" : "SHA-512-crypt ($6$)";
    if (!m.matches() || m.group(3).length() != hashLength) {
      throw new UnsupportedHashException(
          "malformed " + name + " hash; re-create the entry with htpasswd");
    }
    long rounds = m.group(2) == null ? DEFAULT_SHA_CRYPT_ROUNDS : Long.parseLong(m.group(2));
    if (rounds < MIN_SHA_CRYPT_ROUNDS || rounds > MAX_SHA_CRYPT_ROUNDS) {
      throw new UnsupportedHashException(
          name + " rounds " + rounds
              + " (expected: " + MIN_SHA_CRYPT_ROUNDS + "-" + MAX_SHA_CRYPT_ROUNDS + ")");
    }
    return new PasswordHash(sha256 ? Format.SHA256_CRYPT : Format.SHA512_CRYPT, encoded, (int) rounds);
  }

  /**
   * Whether {@code password} (the raw bytes the client sent) hashes to this value. Takes as long
   * for a wrong password as for the right one; the array is not modified.
   */
  boolean matches(byte[] password) {
    switch (format) {
      case BCRYPT:
        return OpenBSDBCrypt.checkPassword(encoded, password.clone());
      case APR1:
        return constantTimeEquals(Md5Crypt.apr1Crypt(password.clone(), encoded), encoded);
      case SHA256_CRYPT:
        return constantTimeEquals(Sha2Crypt.sha256Crypt(password.clone(), encoded), encoded);
      case SHA512_CRYPT:
        return constantTimeEquals(Sha2Crypt.sha512Crypt(password.clone(), encoded), encoded);
      case SHA1:
        return MessageDigest.isEqual(sha1(password, new byte[0]), decodeBase64(encoded.substring(5)));
      case SSHA:
        byte[] stored = decodeBase64(encoded.substring(6));
        byte[] salt = Arrays.copyOfRange(stored, SHA1_LENGTH, stored.length);
        return MessageDigest.isEqual(sha1(password, salt), Arrays.copyOf(stored, SHA1_LENGTH));
      default:
        throw new AssertionError(format);
    }
  }

  private static boolean constantTimeEquals(String computed, String stored) {
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sha1(byte[] password, byte[] salt) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(password);
      sha1.update(salt);
      return sha1.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  private static byte @org.jspecify.annotations.Nullable [] decodeBase64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Never prints the hash: records end up in logs by accident. */
  @Override
  public String toString() {
    return "PasswordHash[" + format + ", cost " + cost + "]";
  }
}
