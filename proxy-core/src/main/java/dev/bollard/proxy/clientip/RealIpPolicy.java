package dev.bollard.proxy.clientip;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Which address is the client's, after ingress-nginx's {@code use-forwarded-headers}, {@code
 * enable-real-ip}, {@code forwarded-for-header} and {@code proxy-real-ip-cidr}.
 *
 * <p>The connection's source (the PROXY protocol source when a trusted load balancer sent one,
 * else the socket peer) is the client, unless forwarded headers are honoured and that source is a
 * trusted proxy: then the forwarded-for header is read from right to left, skipping trusted
 * proxies, and the first untrusted address is the client (nginx's {@code real_ip_recursive on});
 * if every address is trusted, the leftmost one.
 *
 * @param trusted proxies whose forwarded headers are believed
 * @param useForwardedHeaders whether {@code X-Forwarded-*} from trusted proxies are honoured (the
 *     client address, and {@code -Proto}/{@code -Host}/{@code -Port} passed on as they came)
 * @param enableRealIp whether the forwarded-for header of trusted proxies sets the client address
 *     even without {@code useForwardedHeaders}
 * @param forwardedForHeader the header carrying the chain ({@code X-Forwarded-For})
 */
public record RealIpPolicy(
    CidrSet trusted, boolean useForwardedHeaders, boolean enableRealIp, String forwardedForHeader) {

  /** Nothing trusted: the connection's source is the client. */
  public static final RealIpPolicy DEFAULTS =
      new RealIpPolicy(CidrSet.EMPTY, false, false, "X-Forwarded-For");

  public RealIpPolicy {
    if (forwardedForHeader.isBlank()) {
      throw new IllegalArgumentException(
          "forwardedForHeader: \"\" (expected: a header name such as X-Forwarded-For)");
    }
    forwardedForHeader = forwardedForHeader.trim().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code source}'s forwarded headers are honoured. */
  public boolean honoursForwardedHeaders(InetAddress source) {
    return (useForwardedHeaders || enableRealIp) && trusted.contains(source);
  }

  /** Whether {@code source}'s {@code X-Forwarded-Proto/-Host/-Port} are passed on as they came. */
  public boolean keepsForwardedProto(InetAddress source) {
    return useForwardedHeaders && trusted.contains(source);
  }

  /** The client address for logs, guards and metrics. */
  public InetAddress clientAddress(InetAddress source, HttpHeaders headers) {
    if (!honoursForwardedHeaders(source)) {
      return source;
    }
    String chain = joined(headers);
    if (chain == null) {
      return source;
    }
    String[] hops = chain.split(",");
    InetAddress leftmost = source;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = stripPort(hops[i].trim());
      if (hop.isEmpty()) {
        continue;
      }
      InetAddress address = parse(hop);
      if (address == null) {
        // Garbage in the chain: stop believing it here, like nginx stops at an invalid entry.
        return leftmost;
      }
      if (!trusted.contains(address)) {
        return address;
      }
      leftmost = address;
    }
    return leftmost;
  }

  /**
   * The forwarded-for value to send upstream: the trusted chain plus the connection's source, or
   * only the client address when the incoming chain is not believed (so a client cannot forge it).
   */
  public String forwardedFor(InetAddress source, HttpHeaders headers) {
    String own = source.getHostAddress();
    if (!honoursForwardedHeaders(source)) {
      return own;
    }
    String chain = joined(headers);
    return chain == null ? own : chain + ", " + own;
  }

  private @org.jspecify.annotations.Nullable String joined(HttpHeaders headers) {
    var all = headers.getAll(forwardedForHeader);
    if (all.isEmpty()) {
      return null;
    }
    String chain = all.size() == 1 ? all.get(0) : String.join(", ", all);
    return chain.isBlank() ? null : chain.trim();
  }

  private static @org.jspecify.annotations.Nullable InetAddress parse(String s) {
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(s);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }
}
