package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code proxy-buffer-size} annotation, read as what nginx's {@code
 * proxy_buffer_size} also is: the largest upstream response head the Ingress's routes accept. A
 * larger head is an invalid response (502, or the next endpoint under {@code invalid_header}), as
 * nginx's "upstream sent too big header". Responses are streamed whatever the value (see {@link
 * ResponseBuffering}). Not a step: it sets the chain's {@link RoutePolicy#maxResponseHeadBytes()}.
 *
 * @param maxBytes the largest response head in bytes; at or above the upstream decoder's own
 *     bound (64 KiB) only that bound applies
 */
public record ResponseHeadLimit(int maxBytes) implements PolicyFeature {

  /** The upstream decoder's bound on a response head. */
  public static final int DECODER_BOUND = 64 * 1024;

  public ResponseHeadLimit {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withMaxResponseHeadBytes(maxBytes >= DECODER_BOUND ? 0 : maxBytes);
  }
}
