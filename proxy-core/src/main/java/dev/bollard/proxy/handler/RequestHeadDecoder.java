package dev.bollard.proxy.handler;

import dev.bollard.proxy.http.FieldLines;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Turns the bytes of one whole request head into the {@link HttpRequest} Netty's {@code
 * HttpRequestDecoder} would make of them (with {@link RequestValidator#newServerCodec}'s config),
 * or into a request whose {@link DecoderResult} failed with the exception Netty's decoder fails it
 * with, so that {@link RequestValidator} answers the same status for the same reason.
 *
 * <p>The bytes were scanned first by {@link RequestValidatorHeadScanner}: lines end with CRLF, the
 * request line holds no control character, no line starts with whitespace, the sizes are within
 * the limits. This class parses them in place: the request line, then the field lines through
 * {@link FieldLines}, then the framing fields as Netty checks them (RFC 9112 transfer coding, no
 * duplicate or malformed {@code Content-Length}).
 */
final class RequestHeadDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte SP = ' ';
  private static final HttpMethod[] COMMON_METHODS = {
    HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE,
    HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.CONNECT, HttpMethod.TRACE
  };
  private static final byte[][] COMMON_METHOD_BYTES = new byte[COMMON_METHODS.length][];

  static {
    for (int i = 0; i < COMMON_METHODS.length; i++) {
      COMMON_METHOD_BYTES[i] = COMMON_METHODS[i].name().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private RequestHeadDecoder() {}

  /**
   * The request of the head in {@code bytes} from {@code from} (possibly after empty lines) to
   * {@code to}, just past the blank line that ends it.
   */
  static HttpRequest decode(byte[] bytes, int from, int to, int maxHeaderBytes) {
    int lineStart = from;
    while (bytes[lineStart] == CR) {
      lineStart += 2; // empty lines before the request line (RFC 9112 section 2.2)
    }
    int lf = FieldLines.indexOf(bytes, lineStart, to, LF);
    HttpRequest request;
    try {
      request = requestLine(bytes, lineStart, lf - 1);
    } catch (IllegalArgumentException e) {
      return invalid(e);
    }
    try {
      FieldLines.parse(bytes, lf + 1, to - 2, request.headers(), 0, maxHeaderBytes, false);
      checkFraming(request.headers(), request.protocolVersion());
    } catch (RuntimeException e) {
      request.setDecoderResult(DecoderResult.failure(e));
    }
    return request;
  }

  /**
   * What Netty's decoder sends for a head it could not even split into method, target and
   * version: a stand-in request, failed with {@code cause}.
   */
  static HttpRequest invalid(Exception cause) {
    HttpRequest stand = new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request", Unpooled.EMPTY_BUFFER);
    stand.setDecoderResult(DecoderResult.failure(cause));
    return stand;
  }

  /**
   * What Netty's decoder sends for a head whose field lines passed the size limit: the request of
   * its request line (the first line of {@code bytes[0, to)} after any empty ones, whole), failed
   * with {@code cause}, so that the refusal's access-log line names what was asked; the stand-in
   * of {@link #invalid} when that line does not parse.
   */
  static HttpRequest tooLarge(byte[] bytes, int to, Exception cause) {
    int lineStart = 0;
    while (lineStart + 1 < to && bytes[lineStart] == CR) {
      lineStart += 2;
    }
    int lf = FieldLines.indexOf(bytes, lineStart, to, LF);
    if (lf <= lineStart) {
      return invalid(cause);
    }
    HttpRequest request;
    try {
      request = requestLine(bytes, lineStart, lf - 1);
    } catch (IllegalArgumentException e) {
      return invalid(cause);
    }
    request.setDecoderResult(DecoderResult.failure(cause));
    return request;
  }

  /** {@code method SP+ target SP+ version}, from {@code start} to {@code end} (before CRLF). */
  private static HttpRequest requestLine(byte[] bytes, int start, int end) {
    int methodEnd = FieldLines.indexOf(bytes, start, end, SP);
    if (methodEnd < 0) {
      throw new IllegalArgumentException("request line without a target");
    }
    HttpMethod method = method(bytes, start, methodEnd);
    int targetStart = skipSpaces(bytes, methodEnd, end);
    int targetEnd = FieldLines.indexOf(bytes, targetStart, end, SP);
    if (targetEnd < 0) {
      throw new IllegalArgumentException("request line without a version (HTTP/0.9)");
    }
    int versionStart = skipSpaces(bytes, targetEnd, end);
    HttpVersion version = version(bytes, versionStart, end);
    String uri = new String(bytes, targetStart, targetEnd - targetStart,
        StandardCharsets.ISO_8859_1);
    return new DefaultHttpRequest(
        version, method, uri, DefaultHttpHeadersFactory.headersFactory().newHeaders());
  }

  private static int skipSpaces(byte[] bytes, int index, int end) {
    int i = index;
    while (i < end && bytes[i] == SP) {
      i++;
    }
    return i;
  }

  private static HttpMethod method(byte[] bytes, int start, int end) {
    int length = end - start;
    for (int m = 0; m < COMMON_METHOD_BYTES.length; m++) {
      byte[] name = COMMON_METHOD_BYTES[m];
      if (name.length == length && Arrays.equals(name, 0, length, bytes, start, end)) {
        return COMMON_METHODS[m];
      }
    }
    for (int i = start; i < end; i++) {
      if (!FieldLines.isToken(bytes[i])) {
        throw new IllegalArgumentException(
            "Illegal character in HTTP Method: 0x" + Integer.toHexString(bytes[i] & 0xff));
      }
    }
    return HttpMethod.valueOf(new String(bytes, start, length, StandardCharsets.US_ASCII));
  }

  /**
   * {@code HTTP/1.1} and {@code HTTP/1.0} as Netty's constants; any other {@code HTTP/d.d} (the
   * name in any case, as Netty reads it) as a version of its own, which the validator answers with
   * 505; anything else refused.
   */
  private static HttpVersion version(byte[] bytes, int start, int end) {
    if (end - start == 8
        && (bytes[start] | 0x20) == 'h'
        && (bytes[start + 1] | 0x20) == 't'
        && (bytes[start + 2] | 0x20) == 't'
        && (bytes[start + 3] | 0x20) == 'p'
        && bytes[start + 4] == '/'
        && isDigit(bytes[start + 5])
        && bytes[start + 6] == '.'
        && isDigit(bytes[start + 7])) {
      if (bytes[start] == 'H' && bytes[start + 1] == 'T' && bytes[start + 2] == 'T'
          && bytes[start + 3] == 'P' && bytes[start + 5] == '1') {
        if (bytes[start + 7] == '1') {
          return HttpVersion.HTTP_1_1;
        }
        if (bytes[start + 7] == '0') {
          return HttpVersion.HTTP_1_0;
        }
      }
      return HttpVersion.valueOf(new String(bytes, start, 8, StandardCharsets.US_ASCII));
    }
    throw new IllegalArgumentException("invalid version format");
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /**
   * The framing checks of Netty's decoder: one well-formed {@code Content-Length}; {@code
   * Transfer-Encoding} only on HTTP/1.1 and up, never with {@code Content-Length}, chunked last
   * and once.
   */
  private static void checkFraming(HttpHeaders headers, HttpVersion version) {
    boolean length = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    boolean coded = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
    if (!length && !coded) {
      return;
    }
    if (length) {
      Iterator<String> lengths = headers.valueStringIterator(HttpHeaderNames.CONTENT_LENGTH);
      String first = lengths.next();
      boolean http11 = version.equals(HttpVersion.HTTP_1_1);
      if (http11 && (lengths.hasNext() || first.indexOf(',') >= 0)) {
        throw new IllegalArgumentException("Multiple Content-Length values found");
      }
      if (!isLength(first)) {
        throw new IllegalArgumentException("Content-Length value is not a number");
      }
    }
    if (!coded) {
      return;
    }
    if (version.majorVersion() < 1 || version.majorVersion() == 1 && version.minorVersion() < 1) {
      throw new TransferEncodingNotAllowedException(
          "The Transfer-Encoding header is only allowed in HTTP/1.1 or newer");
    }
    if (length) {
      throw new ContentLengthNotAllowedException("Content-Length are not allowed in HTTP/1.1"
          + " messages that contains a Transfer-Encoding header.");
    }
    checkCodings(headers);
  }

  /** Digits only, at least one, within a {@code long}. */
  private static boolean isLength(String value) {
    if (value.isEmpty()) {
      return false;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
        return false;
      }
      n = n * 10 + (c - '0');
    }
    return true;
  }

  /** RFC 9112 section 6.3: chunked must be the final coding of a request, and applied once. */
  private static void checkCodings(HttpHeaders headers) {
    boolean lastIsChunked = false;
    boolean chunkedSeen = false;
    // getAll, not the value iterator: the order of the lines matters, and only getAll keeps it.
    for (String value : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
      int start = 0;
      while (start <= value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        String coding = value.substring(start, end).strip();
        if (!coding.isEmpty()) {
          if (chunkedSeen) {
            throw new IllegalArgumentException(lastIsChunked && coding.equalsIgnoreCase("chunked")
                ? "chunked transfer coding must not be applied more than once"
                : "chunked must be the last encoding present in the Transfer-Encoding header");
          }
          lastIsChunked = coding.equalsIgnoreCase("chunked");
          chunkedSeen = lastIsChunked;
        }
        start = end + 1;
      }
    }
    if (!lastIsChunked) {
      throw new IllegalArgumentException(
          "The final transfer coding must be chunked for HTTP requests");
    }
  }
}
