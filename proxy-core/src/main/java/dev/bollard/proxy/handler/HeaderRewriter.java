package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Rewrites response heads crossing the proxy: hop-by-hop headers out (RFC 9110 section 7.6.1, plus
 * every header the {@code Connection} header names), framing and keep-alive re-applied. The
 * upstream request head is built by {@link UpstreamHead}, which uses the same hop-by-hop rule.
 */
final class HeaderRewriter {

  // AsciiString constants: their (case-insensitive) hash is computed once, not per request.
  private static final AsciiString[] HOP_BY_HOP = {
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.KEEP_ALIVE,
    HttpHeaderNames.PROXY_CONNECTION,
    HttpHeaderNames.TE,
    HttpHeaderNames.TRAILER,
    HttpHeaderNames.TRANSFER_ENCODING,
    HttpHeaderNames.UPGRADE,
    HttpHeaderNames.PROXY_AUTHORIZATION
  };

  private HeaderRewriter() {}

  /**
   * The head to send to the client. Rewrites {@code in}'s headers in place (no copy per
   * response): read anything needed from them, such as keep-alive, before calling.
   *
   * @param keepAlive whether the client connection stays open after this response
   * @return the rewritten head; {@code Connection: close} if the response can only be framed by
   *     closing (no length, HTTP/1.0 client) or {@code keepAlive} is false, reported through
   *     {@link #closesConnection}
   */
  static HttpResponse toClient(
      HttpResponse in, HttpRequest request, boolean keepAlive, boolean webSocket) {
    HttpHeaders headers = in.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(in);
    stripHopByHop(headers);
    HttpResponseStatus status = in.status();
    if (webSocket && status.code() == 101) {
      headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
    }
    boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    if (hasBody(request.method(), status) && (chunked || !headers.contains(
        HttpHeaderNames.CONTENT_LENGTH))) {
      headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      if (http10) {
        keepAlive = false;
      } else {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
  }

  /**
   * Whether a head rewritten by {@link #toClient} announces that the connection closes after it.
   * Its only {@code Connection} header is the one {@code toClient} set, with one value: one
   * lookup, no scan of comma-separated values.
   */
  static boolean closesConnection(HttpResponse rewritten) {
    CharSequence value = rewritten.headers().get(HttpHeaderNames.CONNECTION);
    return value != null && HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(value);
  }

  /** Whether the request asks for a WebSocket upgrade. */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    HttpHeaders h = request.headers();
    return h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  private static boolean hasBody(HttpMethod method, HttpResponseStatus status) {
    int code = status.code();
    return !method.equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
  }

  static void stripHopByHop(HttpHeaders headers) {
    if (headers.isEmpty()) {
      return;
    }
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
        removeListed(headers, value);
      }
    }
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
  }

  /** Removes every header a {@code Connection} value names (names compare case-insensitively). */
  private static void removeListed(HttpHeaders headers, String value) {
    int start = 0;
    int n = value.length();
    while (start < n) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int from = start;
      int to = end;
      while (from < to && Character.isWhitespace(value.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
        to--;
      }
      if (to > from && !isHandled(value, from, to)) {
        headers.remove(value.substring(from, to));
      }
      start = end + 1;
    }
  }

  /** {@code keep-alive}, the common token, is in {@link #HOP_BY_HOP} and removed anyway. */
  private static boolean isHandled(String value, int from, int to) {
    return to - from == 10 && value.regionMatches(true, from, "keep-alive", 0, 10);
  }
}
