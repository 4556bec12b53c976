package dev.bollard.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the proxy generates itself: short plain text naming the status and the reason. */
public final class PlainResponses {

  private static final int MAX_ECHOED = 200;

  private PlainResponses() {}

  /**
   * {@code "<code> <reason>: <detail>"} as {@code text/plain}; {@code Connection: close} unless
   * {@code keepAlive}.
   */
  public static FullHttpResponse of(HttpResponseStatus status, String detail, boolean keepAlive) {
    return text(status, status.code() + " " + status.reasonPhrase() + ": " + detail + "\n",
        keepAlive);
  }

  /**
   * {@code text} as the whole plain-text body; {@code Connection: close} unless {@code keepAlive}.
   */
  public static FullHttpResponse text(HttpResponseStatus status, String text, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  /** Client input quoted in a response, cut short so a response stays short. */
  public static String quote(String value) {
    return value.length() <= MAX_ECHOED ? value : value.substring(0, MAX_ECHOED) + "...";
  }
}
