package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * What an external authentication service answered: its status and headers (the body is
 * dropped), or a failure (refused, reset, timed out, unparsable) with the status nginx would have
 * seen (502 or 504), which never lets a request through.
 *
 * @param status the auth service's status, or 502/504 for a failure
 * @param headers its response headers (empty for a failure)
 * @param failure why there is no answer, or {@code null} when there is one
 */
public record AuthReply(int status, HttpHeaders headers, @Nullable String failure) {

  /** Whether the service answered (any status). */
  public boolean answered() {
    return failure == null;
  }
}
