package dev.bollard.proxy.handler;

import dev.bollard.proxy.http.FieldLines;

/**
 * The grammar of a chunk-size line (RFC 9112 section 7.1), one byte at a time, so that a line split
 * across reads needs no buffer: {@code chunk-size [ chunk-ext ] CRLF} with {@code chunk-ext = *(
 * BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )}.
 *
 * <p>A state is a small int (kept by the scanner in a byte); {@link #next} gives the state after a
 * byte, {@link #END} after the line's LF, or one of the negative refusals, which name the exception
 * Netty's decoder fails the chunk with.
 */
final class ChunkSizeLine {

  /** Before the first hex digit. */
  static final int START = 0;
  /** The line ended (its LF was the byte just read). */
  static final int END = 12;
  /** A refusal of the size ({@code NumberFormatException} in Netty). */
  static final int BAD_SIZE = -1;
  /** A refusal of the extension or line ending ({@code InvalidChunkExtensionException}). */
  static final int BAD_EXTENSION = -2;

  private static final int SIZE = 1;
  private static final int AFTER_SIZE = 2;
  private static final int NAME_START = 3;
  private static final int NAME = 4;
  private static final int AFTER_NAME = 5;
  private static final int VALUE_START = 6;
  private static final int QUOTED = 7;
  private static final int QUOTED_PAIR = 8;
  private static final int CR_SEEN = 9;
  private static final int TOKEN_VALUE = 10;
  private static final int AFTER_VALUE = 11;

  private ChunkSizeLine() {}

  /** The hex value of {@code b}, or -1. */
  static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = b | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /** Whether {@code state} reads hex digits of the size (the scanner adds them up). */
  static boolean readsDigit(int state, byte b) {
    return (state == START || state == SIZE) && hexDigit(b) >= 0;
  }

  /** The state after {@code b} in {@code state}. */
  static int next(int state, byte b) {
    boolean ows = b == ' ' || b == '\t';
    switch (state) {
      case START:
        return hexDigit(b) >= 0 ? SIZE : BAD_SIZE;
      case SIZE:
        if (hexDigit(b) >= 0) {
          return SIZE;
        }
        return ows ? AFTER_SIZE : b == ';' ? NAME_START : b == '\r' ? CR_SEEN : BAD_SIZE;
      case AFTER_SIZE:
        return ows ? AFTER_SIZE : b == ';' ? NAME_START : BAD_SIZE;
      case NAME_START:
        return ows ? NAME_START : FieldLines.isToken(b) ? NAME : BAD_EXTENSION;
      case NAME:
        if (FieldLines.isToken(b)) {
          return NAME;
        }
        return ows ? AFTER_NAME : afterItem(b, true);
      case AFTER_NAME:
        return ows ? AFTER_NAME : afterItem(b, true);
      case VALUE_START:
        if (ows) {
          return VALUE_START;
        }
        return b == '"' ? QUOTED : FieldLines.isToken(b) ? TOKEN_VALUE : BAD_EXTENSION;
      case TOKEN_VALUE:
        if (FieldLines.isToken(b)) {
          return TOKEN_VALUE;
        }
        return ows ? AFTER_VALUE : afterItem(b, false);
      case QUOTED:
        if (b == '"') {
          return AFTER_VALUE;
        }
        if (b == '\\') {
          return QUOTED_PAIR;
        }
        return isQuotedText(b) ? QUOTED : BAD_EXTENSION;
      case QUOTED_PAIR:
        return isQuotedText(b) || b == '"' || b == '\\' ? QUOTED : BAD_EXTENSION;
      case AFTER_VALUE:
        return ows ? AFTER_VALUE : afterItem(b, false);
      case CR_SEEN:
        return b == '\n' ? END : BAD_EXTENSION;
      default:
        return BAD_EXTENSION;
    }
  }

  /** After an extension's name (where {@code =} may follow) or value. */
  private static int afterItem(byte b, boolean valueMayFollow) {
    if (b == ';') {
      return NAME_START;
    }
    if (b == '\r') {
      return CR_SEEN;
    }
    return valueMayFollow && b == '=' ? VALUE_START : BAD_EXTENSION;
  }

  /**
   * qdtext: HTAB, SP and visible characters but {@code "} and {@code \}; not obs-text, which
   * Netty's decoder fails on.
   */
  private static boolean isQuotedText(byte b) {
    int c = b & 0xff;
    return c == '\t' || c == ' ' || c >= 0x21 && c < 0x7f && c != '"' && c != '\\';
  }
}
