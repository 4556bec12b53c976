package dev.bollard.proxy.step;

/**
 * Finds one cookie's value in a {@code Cookie} header without allocating: what the canary's cookie
 * and the sticky session's cookie read, and nginx's {@code $cookie_name}. The first cookie of the
 * name counts.
 */
final class CookieHeader {

  /** What {@link #find} returns when the header has no cookie of the name. */
  static final long ABSENT = -1L;

  private CookieHeader() {}

  /**
   * Where the value of cookie {@code name} lies in {@code cookies}: its start index in the high 32
   * bits, its end (exclusive, trailing blanks left out) in the low 32 bits; {@link #ABSENT} when
   * there is no such cookie. Names are compared exactly, as the sticky session's Lua cookie reader
   * does, or ignoring case, as nginx's {@code $cookie_name} does.
   */
  static long find(String cookies, String name, boolean ignoreCase) {
    int n = cookies.length();
    int i = 0;
    while (i < n) {
      while (i < n && (cookies.charAt(i) == ' ' || cookies.charAt(i) == '\t'
          || cookies.charAt(i) == ';')) {
        i++;
      }
      int end = i;
      while (end < n && cookies.charAt(end) != ';') {
        end++;
      }
      int eq = i + name.length();
      if (eq < end && cookies.charAt(eq) == '=' && cookies.regionMatches(ignoreCase, i, name, 0,
          name.length())) {
        int valueEnd = end;
        while (valueEnd > eq + 1 && (cookies.charAt(valueEnd - 1) == ' '
            || cookies.charAt(valueEnd - 1) == '\t')) {
          valueEnd--;
        }
        return ((long) (eq + 1) << 32) | valueEnd;
      }
      i = end;
    }
    return ABSENT;
  }

  /** The start of a value {@link #find} located. */
  static int start(long found) {
    return (int) (found >>> 32);
  }

  /** The end (exclusive) of a value {@link #find} located. */
  static int end(long found) {
    return (int) found;
  }
}
