package dev.bollard.proxy.handler;

/** Character-level grammar checks of RFC 9110/9112/3986 used by {@link RequestValidator}. */
final class RequestValidatorSyntax {

  /** Longest Content-Length accepted: 18 digits always fit in a long. */
  private static final int MAX_LENGTH_DIGITS = 18;

  private RequestValidatorSyntax() {}

  /** RFC 9110 token: one or more tchar. */
  static boolean isToken(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAlphaOrDigit(c) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Visible ASCII only: no spaces, controls or raw non-ASCII bytes in a request target. */
  static boolean isRequestTarget(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '#') {
        return false;
      }
    }
    return true;
  }

  /** {@code http://authority...} or {@code https://authority...}, scheme in any case. */
  static boolean isAbsoluteHttpUri(String value) {
    int authority;
    if (value.regionMatches(true, 0, "http://", 0, 7)) {
      authority = 7;
    } else if (value.regionMatches(true, 0, "https://", 0, 8)) {
      authority = 8;
    } else {
      return false;
    }
    return authority < value.length() && value.charAt(authority) != '/';
  }

  /**
   * RFC 9110 Host: {@code uri-host [":" port]} (reg-name, IPv4 or bracketed IPv6 characters); may
   * be empty.
   */
  static boolean isHost(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAlphaOrDigit(c) && "-._~!$&'()*+,;=%:[]".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A Content-Length value: decimal digits only, no sign, no spaces, no list. */
  static boolean isDigits(String value) {
    if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphaOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }
}
