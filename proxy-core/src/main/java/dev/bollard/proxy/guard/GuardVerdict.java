package dev.bollard.proxy.guard;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the guard decided for one request: {@link Open} (no guard here), {@link Pass} (guarded and
 * allowed) or {@link Answer} (guarded and answered by the proxy: 401, 429, 503, robots.txt, an
 * ACME challenge).
 */
public sealed interface GuardVerdict {

  /** The header every response of a guarded host carries. */
  String ROBOTS_TAG = "x-robots-tag";

  /** Its value: search engines neither index the page nor follow its links. */
  String NO_INDEX = "noindex, nofollow";

  /** Whether the request's host is guarded, so its response must carry {@link #ROBOTS_TAG}. */
  boolean guarded();

  /** The user that signed in, for the access log; {@code null} when nobody did. */
  default @Nullable String user() {
    return null;
  }

  /**
   * Adjusts the head about to go upstream: removes {@code Authorization} after a check unless
   * configured to keep it. Does nothing for {@link Open}.
   */
  default void prepareUpstream(HttpHeaders upstreamHeaders) {}

  /** No guard applies: the request goes on untouched. */
  record Open() implements GuardVerdict {
    static final Open INSTANCE = new Open();

    @Override
    public boolean guarded() {
      return false;
    }
  }

  /**
   * A guarded request that may go upstream.
   *
   * @param user who signed in, or {@code null} for an exempt path
   * @param forwardAuthorization whether {@code Authorization} stays in the upstream head
   */
  record Pass(@Nullable String user, boolean forwardAuthorization) implements GuardVerdict {
    @Override
    public boolean guarded() {
      return true;
    }

    @Override
    public void prepareUpstream(HttpHeaders upstreamHeaders) {
      if (!forwardAuthorization) {
        upstreamHeaders.remove(HttpHeaderNames.AUTHORIZATION);
      }
    }
  }

  /**
   * A guarded request the proxy answers itself.
   *
   * @param status the status
   * @param headers extra headers ({@code WWW-Authenticate}, {@code Retry-After}, ...)
   * @param contentType the body's media type
   * @param body the whole body
   * @param reason why, for logs and counters: {@code unauthorized}, {@code throttled},
   *     {@code broken}, {@code robots}, {@code acme}
   */
  record Answer(
      HttpResponseStatus status, HttpHeaders headers, String contentType, String body,
      String reason) implements GuardVerdict {

    /** Checks the components; the headers are copied. */
    public Answer {
      Objects.requireNonNull(status, "status");
      headers = new DefaultHttpHeaders().add(headers);
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean guarded() {
      return true;
    }

    /** A fresh response to write (each call allocates its own buffer). */
    public FullHttpResponse response(boolean keepAlive) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers()
          .add(headers)
          .set(HttpHeaderNames.CONTENT_TYPE, contentType)
          .set(ROBOTS_TAG, NO_INDEX)
          .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      return response;
    }
  }
}
