package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The authority and path a request is routed by: from the request target when it is in absolute
 * form (RFC 9112 section 3.2.2 says the target wins over {@code Host}), else from {@code Host}.
 *
 * @param authority host and optional port, as received
 * @param path the path without query or fragment
 * @param absoluteForm whether the authority came from an absolute-form target rather than
 *     {@code Host}; the upstream then gets it as {@code Host}
 * @param upstreamUri the target the upstream gets: as received, except that an absolute-form
 *     target becomes origin form (its path and query, {@code /} for an empty path), as nginx
 *     forwards it; an origin server need not understand absolute form (RFC 9112 section 3.2.2)
 */
record RequestTarget(String authority, String path, boolean absoluteForm, String upstreamUri) {

  static RequestTarget of(HttpRequest request) {
    String uri = request.uri();
    String host = request.headers().get(HttpHeaderNames.HOST, "");
    if (uri.startsWith("/")) {
      return new RequestTarget(host, stripQuery(uri, 0), false, uri);
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int authorityStart = scheme + 3;
      int slash = uri.indexOf('/', authorityStart);
      int end = slash < 0 ? firstOf(uri, authorityStart) : slash;
      String authority = uri.substring(authorityStart, end);
      String path = slash < 0 ? "/" : stripQuery(uri, slash);
      String origin = slash < 0 ? "/" + uri.substring(end) : uri.substring(slash);
      return authority.isEmpty()
          ? new RequestTarget(host, path, false, origin)
          : new RequestTarget(authority, path, true, origin);
    }
    // "*" (OPTIONS) or authority form (CONNECT): route by host at the root.
    return new RequestTarget(host, "/", false, uri);
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
