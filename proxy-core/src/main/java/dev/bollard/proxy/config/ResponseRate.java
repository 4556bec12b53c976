package dev.bollard.proxy.config;

/**
 * The bandwidth of one response to the client: nginx's {@code limit_rate} and {@code
 * limit_rate_after}, which ingress-nginx sets from {@code limit-rate} and {@code limit-rate-after}
 * (annotations, and ConfigMap keys for their defaults). Per request, as nginx's: a client with two
 * requests gets the rate twice.
 *
 * @param bytesPerSecond the rate of the response body after the first {@code afterBytes}, 0 for
 *     none
 * @param afterBytes how many body bytes go out before the rate applies
 */
public record ResponseRate(long bytesPerSecond, long afterBytes) {

  /** No limit: nginx's and ingress-nginx's default. */
  public static final ResponseRate NONE = new ResponseRate(0, 0);

  public ResponseRate {
    if (bytesPerSecond < 0 || afterBytes < 0) {
      throw new IllegalArgumentException("negative response rate: " + bytesPerSecond
          + " bytes/s after " + afterBytes + " bytes");
    }
  }

  /** Whether it limits anything. */
  public boolean limits() {
    return bytesPerSecond > 0;
  }
}
