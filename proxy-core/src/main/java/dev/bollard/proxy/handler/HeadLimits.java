package dev.bollard.proxy.handler;

/**
 * How large a request head may be: the request line (414 beyond) and the whole head (431 beyond).
 *
 * @param maxUriBytes longest request line
 * @param maxHeaderBytes largest request head section
 */
public record HeadLimits(int maxUriBytes, int maxHeaderBytes) {

  public HeadLimits {
    if (maxUriBytes <= 0) {
      throw new IllegalArgumentException("maxUriBytes: " + maxUriBytes + " (expected: > 0)");
    }
    if (maxHeaderBytes <= 0) {
      throw new IllegalArgumentException(
          "maxHeaderBytes: " + maxHeaderBytes + " (expected: > 0)");
    }
  }
}
