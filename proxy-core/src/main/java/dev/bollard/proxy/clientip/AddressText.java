package dev.bollard.proxy.clientip;

import io.netty.util.concurrent.FastThreadLocal;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * {@link InetAddress#getHostAddress()}, remembered for the last address each thread formatted: the
 * requests of a keep-alive connection (one address object), or the connections of a load balancer
 * (one IPv4 address), would otherwise format the same text (a builder and two strings) per
 * request. An IPv6 address is reused only as the same object, since equal IPv6 addresses may
 * differ in their scope, which the text shows.
 */
final class AddressText {

  private static final FastThreadLocal<AddressText> LAST =
      new FastThreadLocal<>() {
        @Override
        protected AddressText initialValue() {
          return new AddressText();
        }
      };

  private @org.jspecify.annotations.Nullable InetAddress address;
  private String text = "";

  private AddressText() {}

  /** {@code address.getHostAddress()}. */
  static String of(InetAddress address) {
    AddressText last = LAST.get();
    InetAddress known = last.address;
    if (address != known && !(address instanceof Inet4Address && address.equals(known))) {
      last.text = address.getHostAddress();
      last.address = address;
    }
    return last.text;
  }
}
