package dev.bollard.proxy.http;

/**
 * The normal forms of a request's host and path, computed once per request by routing: every step
 * after it reads them from the routing result instead of normalising again.
 */
public final class RequestPaths {

  private RequestPaths() {}

  /**
   * Lower-cases a {@code Host} header value and removes its port and trailing dot; IPv6 literals
   * keep their brackets.
   */
  public static String normalizeHost(String authority) {
    String host = authority;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close > 0 ? host.substring(0, close + 1) : host;
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon);
      }
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    // Most hosts arrive in lower case already: no copy then.
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 'A' && c <= 'Z' || c > 0x7f) {
        return host.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return host;
  }

  /**
   * The path as nginx matches locations: percent-decoded, slashes merged, dot segments removed.
   * Undecodable input is matched as received (the request validator rejects it earlier).
   */
  public static String normalizePath(String path) {
    if (path.isEmpty()) {
      return "/";
    }
    boolean simple = path.charAt(0) == '/';
    for (int i = 0; simple && i < path.length(); i++) {
      char c = path.charAt(i);
      simple = c != '%' && !(c == '/' && i > 0 && (path.charAt(i - 1) == '/'))
          && !(c == '.' && path.charAt(i - 1) == '/');
    }
    return simple ? path : PathNormalizer.normalize(path);
  }
}
