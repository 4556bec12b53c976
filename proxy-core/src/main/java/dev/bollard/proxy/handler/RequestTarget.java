package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The authority and path a request is routed by: from the request target when it is in absolute
 * form (RFC 9112 section 3.2.2 says the target wins over {@code Host}), else from {@code Host}.
 *
 * @param authority host and optional port, as received
 * @param path the path without query or fragment
 */
record RequestTarget(String authority, String path) {

  static RequestTarget of(HttpRequest request) {
    String uri = request.uri();
    String host = request.headers().get(HttpHeaderNames.HOST, "");
    if (uri.startsWith("/")) {
      return new RequestTarget(host, stripQuery(uri, 0));
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int authorityStart = scheme + 3;
      int slash = uri.indexOf('/', authorityStart);
      int end = slash < 0 ? firstOf(uri, authorityStart) : slash;
      String authority = uri.substring(authorityStart, end);
      String path = slash < 0 ? "/" : stripQuery(uri, slash);
      return new RequestTarget(authority.isEmpty() ? host : authority, path);
    }
    // "*" (OPTIONS) or authority form (CONNECT): route by host at the root.
    return new RequestTarget(host, "/");
  }

  private static String stripQuery(String uri, int start) {
    return uri.substring(start, firstOf(uri, start));
  }

  private static int firstOf(String uri, int start) {
    int end = uri.length();
    int q = uri.indexOf('?', start);
    if (q >= 0) {
      end = q;
    }
    int h = uri.indexOf('#', start);
    if (h >= 0 && h < end) {
      end = h;
    }
    return end;
  }
}
