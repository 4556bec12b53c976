package dev.bollard.proxy.handler;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the proxy generates itself: short plain text naming the status and the reason. */
final class PlainResponses {

  private static final int MAX_ECHOED = 200;

  private PlainResponses() {}

  static FullHttpResponse of(HttpResponseStatus status, String detail, boolean keepAlive) {
    String text = status.code() + " " + status.reasonPhrase() + ": " + detail + "\n";
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
  static String quote(String value) {
    return value.length() <= MAX_ECHOED ? value : value.substring(0, MAX_ECHOED) + "...";
  }
}
