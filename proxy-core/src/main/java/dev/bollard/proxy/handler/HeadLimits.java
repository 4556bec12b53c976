package dev.bollard.proxy.handler;

/**
 * How large a request head may be: the request line (414 beyond), the whole head (431 beyond) and
 * the number of header fields in it (431 beyond).
 *
 * @param maxUriBytes longest request line
 * @param maxHeaderBytes largest request head section
 * @param maxHeaderCount most header fields in a request head
 */
public record HeadLimits(int maxUriBytes, int maxHeaderBytes, int maxHeaderCount) {

  public HeadLimits {
    if (maxUriBytes <= 0) {
      throw new IllegalArgumentException("maxUriBytes: " + maxUriBytes + " (expected: > 0)");
    }
    if (maxHeaderBytes <= 0) {
      throw new IllegalArgumentException(
          "maxHeaderBytes: " + maxHeaderBytes + " (expected: > 0)");
    }
    if (maxHeaderCount <= 0) {
      throw new IllegalArgumentException(
          "maxHeaderCount: " + maxHeaderCount + " (expected: > 0)");
    }
  }
}
