package dev.bollard.proxy.step;

import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A redirect the proxy answers itself: the status, {@code Location} and a one-line body. */
final class RedirectAnswer {

  private RedirectAnswer() {}

  /** The answer redirecting to {@code location} (already checked: no control characters). */
  static StepOutcome.Answer to(HttpResponseStatus status, String location) {
    return keep -> {
      FullHttpResponse response =
          PlainResponses.text(status, status + ": " + location + "\n", keep);
      response.headers().set(HttpHeaderNames.LOCATION, location);
      return response;
    };
  }

  /**
   * {@code http} or {@code https}: how the client reached the edge ({@link
   * StepRequest#clientSecure}).
   */
  static String scheme(StepRequest request) {
    return request.clientSecure() ? "https" : "http";
  }

  /**
   * The port of an authority ({@code ":8080"}), or {@code ""} when it names none; an IPv6
   * literal's colons inside brackets are not a port.
   */
  static String portOf(String authority) {
    int colon = authority.lastIndexOf(':');
    return colon < 0 || authority.indexOf(']') > colon ? "" : authority.substring(colon);
  }
}
