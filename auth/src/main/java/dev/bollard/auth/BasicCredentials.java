package dev.bollard.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The user and password of an {@code Authorization: Basic} value (RFC 7617). The password stays
 * raw bytes: htpasswd hashes bytes, so a password typed in any encoding still matches its hash.
 */
final class BasicCredentials {

  /** Far above any real header; refuses to decode megabytes of base64 on a caller's thread. */
  static final int MAX_HEADER_LENGTH = 8192;

  /** What {@link #parse} found. */
  enum Outcome {
    PRESENT,
    MISSING,
    MALFORMED
  }

  static final BasicCredentials MISSING = new BasicCredentials(Outcome.MISSING, "", new byte[0]);
  static final BasicCredentials MALFORMED = new BasicCredentials(Outcome.MALFORMED, "", new byte[0]);

  private final Outcome outcome;
  private final String user;
  private final byte[] password;

  private BasicCredentials(Outcome outcome, String user, byte[] password) {
    this.outcome = outcome;
    this.user = user;
    this.password = password;
  }

  Outcome outcome() {
    return outcome;
  }

  String user() {
    return user;
  }

  /** The raw password bytes; callers must not modify them. */
  byte[] password() {
    return password;
  }

  /**
   * Reads a header value. No header or another scheme is {@link Outcome#MISSING}; a Basic value
   * that is not base64, has no {@code ':'}, an empty user, or a user that is not UTF-8 without
   * control characters is {@link Outcome#MALFORMED}.
   */
  static BasicCredentials parse(@Nullable String header) {
    if (header == null) {
      return MISSING;
    }
    String value = header.strip();
    int space = indexOfWhitespace(value);
    String scheme = space < 0 ? value : value.substring(0, space);
    if (!scheme.equalsIgnoreCase("Basic")) {
      return MISSING;
    }
    if (space < 0 || value.length() > MAX_HEADER_LENGTH) {
      return MALFORMED;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
    } catch (IllegalArgumentException e) {
      return MALFORMED;
    }
    int colon = indexOf(decoded, (byte) ':');
    if (colon <= 0) {
      return MALFORMED;
    }
    String user;
    try {
      user = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decoded, 0, colon))
          .toString();
    } catch (CharacterCodingException e) {
      return MALFORMED;
    }
    for (int i = 0; i < user.length(); i++) {
      if (Character.isISOControl(user.charAt(i))) {
        return MALFORMED;
      }
    }
    byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
    return new BasicCredentials(Outcome.PRESENT, user, password);
  }

  private static int indexOfWhitespace(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "BasicCredentials[" + outcome + (outcome == Outcome.PRESENT ? ", " + user : "") + "]";
  }
}
