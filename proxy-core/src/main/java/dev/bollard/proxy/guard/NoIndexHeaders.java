package dev.bollard.proxy.guard;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Adds {@code X-Robots-Tag: noindex, nofollow} to a response of a request for a guarded host:
 * upstream responses, 401, 429, 502 and 504 alike, so nothing a guarded host sends is indexed.
 *
 * <p>Not a pipeline step: the request handler marks each final response of a guarded request as
 * it prepares the head (after header rules, so a rule cannot remove it), which spares every
 * response write a pass through one more handler. Informational (1xx) responses are left alone.
 */
public final class NoIndexHeaders {

  // AsciiString constants: their hash is computed once, not per response.
  private static final AsciiString NAME = AsciiString.cached(GuardVerdict.ROBOTS_TAG);
  private static final AsciiString VALUE = AsciiString.cached(GuardVerdict.NO_INDEX);

  private NoIndexHeaders() {}

  /** Marks {@code response} when it is a final (non-1xx) response of a guarded request. */
  public static void mark(HttpResponse response, boolean guarded) {
    if (guarded && response.status().code() >= 200) {
      response.headers().set(NAME, VALUE);
    }
  }
}
