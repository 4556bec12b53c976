package dev.bollard.proxy.tls;

import dev.bollard.proxy.guard.Http01Answers;
import dev.bollard.proxy.routing.RouteTable;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Answers ACME HTTP-01 validation ({@code GET /.well-known/acme-challenge/<token>}) for every host,
 * before routing, redirects and Basic auth: the CA must reach the token even for a host that has no
 * route yet, redirects everything to HTTPS or is guarded. An unknown token is 404.
 */
final class AcmeChallengeStep {

  static final String PREFIX = "/.well-known/acme-challenge/";

  private AcmeChallengeStep() {}

  /** The answer for a challenge path, or {@code null} when {@code path} is no challenge path. */
  static @Nullable FullHttpResponse answer(Http01Answers answers, String rawPath,
      boolean keepAlive) {
    // Compared in the form routing uses, so /.well-known/acme-challenge/../app is /app and is
    // routed (and guarded) as such.
    String path = RouteTable.normalizePath(rawPath);
    if (!path.startsWith(PREFIX)) {
      return null;
    }
    String token = path.substring(PREFIX.length());
    // Tokens are base64url; anything else (a slash, dots) cannot be one of ours.
    Optional<String> keyAuthorization = token.isEmpty() || !token.matches("[A-Za-z0-9_-]+")
        ? Optional.empty()
        : answers.keyAuthorization(token);
    return keyAuthorization
        .map(value -> text(HttpResponseStatus.OK, value, keepAlive))
        .orElseGet(() -> text(HttpResponseStatus.NOT_FOUND,
            "404 Not Found: no pending ACME challenge for this token\n", keepAlive));
  }

  static FullHttpResponse text(HttpResponseStatus status, String body, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
