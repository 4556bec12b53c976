package dev.bollard.proxy.step;

/** Lower-case hexadecimal text of 64-bit values, as sticky cookies carry them. */
final class Hex {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** {@code value} as exactly 16 lower-case hexadecimal digits. */
  static String of(long value) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
    return new String(out);
  }

  /** Whether {@code text} from {@code start} to {@code end} is lower-case hexadecimal digits only. */
  static boolean isHex(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The value of at most 16 digits {@link #isHex} accepted. */
  static long parse(String text, int start, int end) {
    long value = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      value = (value << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return value;
  }
}
