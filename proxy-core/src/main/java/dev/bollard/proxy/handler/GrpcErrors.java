package dev.bollard.proxy.handler;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The errors the proxy makes for gRPC requests ({@code content-type: application/grpc*}) in gRPC's
 * terms: a gRPC client reads the status from {@code grpc-status} and {@code grpc-message}, never
 * from an HTTP status or a text body. Before the response head went out an error is a
 * "Trailers-Only" response (HTTP 200, the status in the head, no body); after it, trailers that
 * end the response.
 *
 * <p>The HTTP status the proxy would have answered maps to a gRPC code as gRPC's own HTTP mapping
 * does ({@code doc/http-grpc-status-mapping.md}), except where the proxy knows better: a timeout
 * (504, 408) is {@code DEADLINE_EXCEEDED} and a body over {@code proxy-body-size} (413) {@code
 * RESOURCE_EXHAUSTED}. The access log keeps the HTTP status the proxy meant (502, 503, 504), so
 * errors stay visible there and in the metrics.
 */
final class GrpcErrors {

  static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");

  /** gRPC status codes the proxy uses. */
  static final int UNKNOWN = 2;
  static final int DEADLINE_EXCEEDED = 4;
  static final int UNIMPLEMENTED = 12;
  static final int PERMISSION_DENIED = 7;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int UNAUTHENTICATED = 16;

  private static final int MAX_MESSAGE = 512;

  private GrpcErrors() {}

  /** Whether {@code request} is a gRPC call: its content type is {@code application/grpc*}. */
  static boolean isGrpc(HttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16);
  }

  /** The gRPC status for an answer the proxy would give with HTTP status {@code httpStatus}. */
  static int statusFor(int httpStatus) {
    switch (httpStatus) {
      case 400:
      case 431:
        return INTERNAL;
      case 401:
        return UNAUTHENTICATED;
      case 403:
        return PERMISSION_DENIED;
      case 404:
        return UNIMPLEMENTED;
      case 408:
      case 504:
        return DEADLINE_EXCEEDED;
      case 413:
        return RESOURCE_EXHAUSTED;
      case 429:
      case 502:
      case 503:
        return UNAVAILABLE;
      default:
        return httpStatus >= 500 ? INTERNAL : UNKNOWN;
    }
  }

  /**
   * Rewrites a plain-text answer of the proxy (status 300 or more) in place into a Trailers-Only
   * gRPC response: HTTP 200, {@code content-type: application/grpc}, the status mapped by {@link
   * #statusFor}, the text as {@code grpc-message}, no body. Other answers are left as they are.
   */
  static void toTrailersOnly(FullHttpResponse response) {
    int code = response.status().code();
    if (code < 300) {
      return;
    }
    String text = response.content().toString(StandardCharsets.UTF_8).strip();
    response.content().clear();
    response.setStatus(HttpResponseStatus.OK);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC);
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    headers.set(GRPC_STATUS, Integer.toString(statusFor(code)));
    headers.set(GRPC_MESSAGE, encodeMessage(text));
  }

  /** The trailers that end a response already under way with {@code status} and {@code text}. */
  static LastHttpContent trailers(int status, String text) {
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    last.trailingHeaders().set(GRPC_STATUS, Integer.toString(status));
    last.trailingHeaders().set(GRPC_MESSAGE, encodeMessage(text));
    return last;
  }

  /**
   * {@code text} as gRPC's {@code grpc-message} wants it: UTF-8, percent-encoding every byte
   * outside printable ASCII and {@code %} itself; cut short so a head stays small.
   */
  static String encodeMessage(String text) {
    String cut = text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
