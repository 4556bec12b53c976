package dev.bollard.proxy.headers;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id ({@code X-Request-Id}) and start time ({@code X-Request-Start}) of a request.
 *
 * <p>Ids are 32 hexadecimal characters like ingress-nginx's {@code $req_id}. An id that came with
 * the request is kept only when the sender is trusted and the id is short printable ASCII;
 * otherwise a new one replaces it, so a client cannot inject ids into upstream logs.
 */
public final class RequestIds {

  /** The request id header. */
  public static final String REQUEST_ID = "x-request-id";

  /** The queue-time header for the app ({@code t=<microseconds since the epoch>}). */
  public static final String REQUEST_START = "x-request-start";

  // AsciiString twins of the names for setting them: hash computed once, not per request.
  private static final AsciiString REQUEST_ID_NAME = AsciiString.cached(REQUEST_ID);
  private static final AsciiString REQUEST_START_NAME = AsciiString.cached(REQUEST_START);

  private static final int MAX_KEPT_LENGTH = 200;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** A new random id: 32 lower-case hex characters. */
  public static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long a = r.nextLong();
    long b = r.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xF];
      out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xF];
    }
    return new String(out);
  }

  /**
   * The id for this request.
   *
   * @param incoming the request's headers
   * @param trustedSender whether the sender may choose the id (a trusted proxy)
   * @param generate whether to make one up when there is none ({@code generate-request-id})
   * @return the id, or {@code ""} when there is none and none is generated
   */
  public static String choose(HttpHeaders incoming, boolean trustedSender, boolean generate) {
    if (trustedSender) {
      String id = incoming.get(REQUEST_ID);
      if (id != null && isAcceptable(id)) {
        return id;
      }
    }
    return generate ? generate() : "";
  }

  static boolean isAcceptable(String id) {
    if (id.isEmpty() || id.length() > MAX_KEPT_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * Sets the request id and start time on the head sent upstream.
   *
   * @param upstream the upstream request's headers
   * @param id the chosen id ({@code ""}: the header is removed)
   * @param startMicros when the request arrived, microseconds since the epoch
   */
  public static void applyUpstream(HttpHeaders upstream, String id, long startMicros) {
    if (id.isEmpty()) {
      upstream.remove(REQUEST_ID_NAME);
    } else {
      upstream.set(REQUEST_ID_NAME, id);
    }
    upstream.set(REQUEST_START_NAME, "t=" + startMicros);
  }

  /** Returns the id to the client. */
  public static void applyResponse(HttpHeaders response, String id) {
    if (!id.isEmpty()) {
      response.set(REQUEST_ID_NAME, id);
    }
  }
}
