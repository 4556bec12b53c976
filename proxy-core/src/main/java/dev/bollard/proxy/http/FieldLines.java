package dev.bollard.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long CRS = CR * ONES;
  private static final long LFS = LF * ONES;
  /** Heads up to this size are parsed in the thread's kept array. */
  public static final int KEPT_SCRATCH = 16 * 1024;
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[1024];
    }
  };

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
   * Adds the field lines in {@code bytes} from {@code from} to {@code to} to {@code headers}: each
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
  public static int parse(byte[] bytes, int from, int to, HttpHeaders headers, int used,
      int maxBytes, boolean trailer) {
    int size = used;
    int lineStart = from;
    while (lineStart < to) {
      int lf = indexOf(bytes, lineStart, to, LF);
      if (lf < 0 || lf == lineStart || bytes[lf - 1] != CR) {
        throw new IllegalArgumentException("field line not ended by CRLF");
      }
      int lineEnd = lf - 1;
      size += lineEnd - lineStart;
      if (size > maxBytes) {
        throw new TooLongHttpHeaderException("HTTP header is larger than " + maxBytes + " bytes.");
      }
      addField(bytes, lineStart, lineEnd, headers, trailer);
      lineStart = lf + 1;
    }
    return size;
  }

  /**
   * This thread's array of at least {@code length} bytes, to copy a head out of a direct buffer
   * and parse it; its content is the caller's until the next call on the same thread. Heads
   * larger than {@value #KEPT_SCRATCH} bytes get an array of their own.
   */
  public static byte[] scratch(int length) {
    if (length > KEPT_SCRATCH) {
      return new byte[length];
    }
    byte[] bytes = SCRATCH.get();
    if (bytes.length < length) {
      bytes = new byte[Math.max(length, Math.min(bytes.length * 2, KEPT_SCRATCH))];
      SCRATCH.set(bytes);
    }
    return bytes;
  }

  /**
   * The index of {@code b} in {@code bytes} from {@code from} to {@code to}, or -1; eight bytes
   * at a time.
   */
  public static int indexOf(byte[] bytes, int from, int to, byte b) {
    long pattern = (b & 0xffL) * ONES;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long found = zeroBytes((long) LONGS.get(bytes, i) ^ pattern);
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the first CR or LF in {@code bytes} from {@code from} to {@code to}, or -1;
   * eight bytes at a time: where a line ends, or breaks the rules.
   */
  public static int indexOfCrOrLf(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i);
      long found = zeroBytes(word ^ CRS) | zeroBytes(word ^ LFS);
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == CR || bytes[i] == LF) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The high bit of each zero byte of {@code word} (bytes above the first zero one may be flagged
   * wrongly, so only the lowest flag counts: little-endian, the first byte in memory).
   */
  private static long zeroBytes(long word) {
    return (word - ONES) & ~word & HIGHS;
  }

  /** Adds the one field line {@code [start, end)} (without its CRLF). */
  private static void addField(byte[] bytes, int start, int end, HttpHeaders headers,
      boolean trailer) {
    int colon = start;
    while (colon < end && TOKEN[bytes[colon] & 0xff]) {
      colon++;
    }
    if (colon == end) {
      throw new IllegalArgumentException("No colon found");
    }
    if (bytes[colon] != ':') {
      throw new IllegalArgumentException(
          "a header name can only contain token characters, found 0x"
              + Integer.toHexString(bytes[colon] & 0xff));
    }
    if (colon == start) {
      throw new IllegalArgumentException("empty header name");
    }
    int valueStart = colon + 1;
    int valueEnd = end;
    while (valueStart < valueEnd && isOws(bytes[valueStart])) {
      valueStart++;
    }
    while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) {
      valueEnd--;
    }
    for (int i = valueStart; i < valueEnd; i++) {
      int c = bytes[i] & 0xff;
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new IllegalArgumentException(
            "control character 0x" + Integer.toHexString(c) + " in a header value");
      }
    }
    AsciiString name = name(bytes, start, colon - start);
    if (trailer && isFramingField(name)) {
      return;
    }
    String value = valueStart == valueEnd
        ? ""
        : new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
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
  private static AsciiString name(byte[] bytes, int start, int length) {
    if (length < KNOWN.length) {
      for (AsciiString known : KNOWN[length]) {
        byte[] array = known.array();
        int offset = known.arrayOffset();
        if (array[offset] == bytes[start]
            && Arrays.equals(array, offset, offset + length, bytes, start, start + length)) {
          return known;
        }
      }
    }
    return new AsciiString(bytes, start, length, true);
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
