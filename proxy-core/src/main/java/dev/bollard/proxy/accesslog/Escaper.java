package dev.bollard.proxy.accesslog;

/** Escaping that keeps every value inside its field: no newline, quote or control byte survives. */
final class Escaper {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Escaper() {}

  /** JSON string content (without the quotes); the output is pure ASCII. */
  static void json(CharSequence s, int max, StringBuilder out) {
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        out.append("\\\"");
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    if (s.length() > max) {
      out.append("...");
    }
  }

  /** nginx's default log escaping: {@code "}, {@code \}, controls and non-ASCII as {@code \xHH}. */
  static void nginx(CharSequence s, int max, StringBuilder out) {
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append(c);
      } else if (c < 0x80) {
        hex(c, out);
      } else {
        // Encode as UTF-8 bytes (Latin-1 header bytes come in as chars 0x80-0xFF and stay one byte).
        if (c <= 0xFF) {
          hex(c, out);
        } else {
          byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          for (byte x : b) {
            hex(x & 0xFF, out);
          }
        }
      }
    }
    if (s.length() > max) {
      out.append("...");
    }
  }

  private static void hex(int c, StringBuilder out) {
    out.append("\\x").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
  }
}
