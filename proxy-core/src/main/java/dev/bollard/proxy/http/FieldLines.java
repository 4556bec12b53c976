package dev.bollard.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Parses the field lines of an HTTP/1.1 head or trailer section (RFC 9112 section 5) straight from
 * the bytes they arrived in, into {@link HttpHeaders}: the request decoder's head and trailers
 * today, a response decoder's next.
 *
 * <p>As strict as Netty's decoder with header validation, or stricter: every line ends with CRLF;
 * a name is one or more token characters right before the colon (no whitespace); the value is
 * trimmed of SP and HTAB on both sides and may hold no control character but HTAB (so no bare CR
 * or LF, and no obs-fold: a line starting with whitespace has no valid name); bytes 0x80-0xFF are
 * kept as ISO-8859-1 characters (obs-text). The section's size is counted as Netty counts it: the
 * bytes of each line without its CRLF.
 *
 * <p>Names that match a common header name byte for byte share one {@link AsciiString} (no copy
 * per request); any other name is copied, its case kept.
 */
public final class FieldLines {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  /** RFC 9110 tchar, by byte value. */
  private static final boolean[] TOKEN = new boolean[256];
  /** Common names in the case clients send them, by length. */
  private static final AsciiString[][] KNOWN = known(
      "Host", "host", "User-Agent", "user-agent", "Accept", "accept", "Accept-Encoding",
      "accept-encoding", "Accept-Language", "accept-language", "Connection", "connection",
      "Content-Length", "content-length", "Content-Type", "content-type", "Cookie", "cookie",
      "Referer", "referer", "Cache-Control", "cache-control", "Upgrade", "upgrade",
      "Transfer-Encoding", "transfer-encoding", "Origin", "origin", "Authorization",
      "authorization", "Pragma", "pragma", "If-None-Match", "if-none-match", "If-Modified-Since",
      "if-modified-since", "Sec-Fetch-Site", "sec-fetch-site", "Sec-Fetch-Mode", "sec-fetch-mode",
      "Sec-Fetch-Dest", "sec-fetch-dest", "Sec-Fetch-User", "sec-fetch-user",
      "Upgrade-Insecure-Requests", "upgrade-insecure-requests", "X-Forwarded-For",
      "x-forwarded-for", "X-Forwarded-Proto", "x-forwarded-proto", "X-Request-ID", "x-request-id",
      "X-Real-IP", "x-real-ip", "Expect", "expect", "Range", "range", "Priority", "priority",
      "DNT", "dnt", "TE", "te", "Keep-Alive", "keep-alive", "Sec-CH-UA", "sec-ch-ua",
      "Sec-CH-UA-Mobile", "sec-ch-ua-mobile", "Sec-CH-UA-Platform", "sec-ch-ua-platform",
      "Sec-WebSocket-Key", "sec-websocket-key", "Sec-WebSocket-Version", "sec-websocket-version",
      "Sec-WebSocket-Extensions", "sec-websocket-extensions", "Date", "date", "Server", "server",
      "Vary", "vary", "ETag", "etag", "Last-Modified", "last-modified", "Location", "location",
      "Set-Cookie", "set-cookie", "Content-Encoding", "content-encoding", "Trailer", "trailer");

  static {
    for (char c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  private FieldLines() {}

  /** Whether {@code b} is an RFC 9110 tchar. */
  public static boolean isToken(byte b) {
    return TOKEN[b & 0xff];
  }

  /**
   * Adds the field lines in {@code buf} from {@code from} to {@code to} to {@code headers}: each
   * line ends with CRLF; the blank line that ends the section is not part of the range.
   *
   * @param used bytes of the section already counted (a trailer section counts on from its head)
   * @param maxBytes largest size of the section (Netty's {@code maxHeaderSize})
   * @param trailer a trailer section: {@code Content-Length}, {@code Transfer-Encoding} and
   *     {@code Trailer} fields are dropped (RFC 9110 section 6.5.1), as Netty does
   * @return {@code used} plus the size of these lines (without their CRLF)
   * @throws TooLongHttpHeaderException when the size passes {@code maxBytes}
   * @throws IllegalArgumentException for a line without CRLF or colon, a name that is not a token,
   *     a value with a control character
   */
  public static int parse(ByteBuf buf, int from, int to, HttpHeaders headers, int used,
      int maxBytes, boolean trailer) {
    int size = used;
    int lineStart = from;
    while (lineStart < to) {
      int lf = buf.indexOf(lineStart, to, LF);
      if (lf < 0 || lf == lineStart || buf.getByte(lf - 1) != CR) {
        throw new IllegalArgumentException("field line not ended by CRLF");
      }
      int lineEnd = lf - 1;
      size += lineEnd - lineStart;
      if (size > maxBytes) {
        throw new TooLongHttpHeaderException("HTTP header is larger than " + maxBytes + " bytes.");
      }
      addField(buf, lineStart, lineEnd, headers, trailer);
      lineStart = lf + 1;
    }
    return size;
  }

  /** Adds the one field line {@code [start, end)} (without its CRLF). */
  private static void addField(ByteBuf buf, int start, int end, HttpHeaders headers,
      boolean trailer) {
    int colon = start;
    while (colon < end) {
      byte b = buf.getByte(colon);
      if (b == ':') {
        break;
      }
      if (!TOKEN[b & 0xff]) {
        throw new IllegalArgumentException(
            "a header name can only contain token characters, found 0x"
                + Integer.toHexString(b & 0xff));
      }
      colon++;
    }
    if (colon == end) {
      throw new IllegalArgumentException("No colon found");
    }
    if (colon == start) {
      throw new IllegalArgumentException("empty header name");
    }
    int valueStart = colon + 1;
    int valueEnd = end;
    while (valueStart < valueEnd && isOws(buf.getByte(valueStart))) {
      valueStart++;
    }
    while (valueEnd > valueStart && isOws(buf.getByte(valueEnd - 1))) {
      valueEnd--;
    }
    for (int i = valueStart; i < valueEnd; i++) {
      int b = buf.getByte(i) & 0xff;
      if (b < 0x20 && b != '\t' || b == 0x7f) {
        throw new IllegalArgumentException(
            "control character 0x" + Integer.toHexString(b) + " in a header value");
      }
    }
    AsciiString name = name(buf, start, colon - start);
    if (trailer && isFramingField(name)) {
      return;
    }
    String value = valueStart == valueEnd
        ? ""
        : buf.toString(valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
    headers.add(name, value);
  }

  private static boolean isFramingField(AsciiString name) {
    return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name);
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  /** The name of {@code length} bytes at {@code start}: a shared one when it is common. */
  private static AsciiString name(ByteBuf buf, int start, int length) {
    if (length < KNOWN.length) {
      for (AsciiString known : KNOWN[length]) {
        if (sameBytes(buf, start, known)) {
          return known;
        }
      }
    }
    byte[] bytes = new byte[length];
    buf.getBytes(start, bytes);
    return new AsciiString(bytes, false);
  }

  private static boolean sameBytes(ByteBuf buf, int start, AsciiString known) {
    byte[] array = known.array();
    int offset = known.arrayOffset();
    for (int i = 0; i < known.length(); i++) {
      if (buf.getByte(start + i) != array[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private static AsciiString[][] known(String... names) {
    int longest = 0;
    for (String name : names) {
      longest = Math.max(longest, name.length());
    }
    AsciiString[][] byLength = new AsciiString[longest + 1][];
    for (int length = 0; length <= longest; length++) {
      int count = 0;
      for (String name : names) {
        if (name.length() == length) {
          count++;
        }
      }
      byLength[length] = new AsciiString[count];
      int i = 0;
      for (String name : names) {
        if (name.length() == length) {
          byLength[length][i++] = AsciiString.cached(name);
        }
      }
    }
    return byLength;
  }
}
