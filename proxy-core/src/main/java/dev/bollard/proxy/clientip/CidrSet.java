package dev.bollard.proxy.clientip;

import dev.bollard.proxy.value.WrittenEntries;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of address ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or single addresses).
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) match IPv4 ranges. Two sets are equal when
 * they were written the same way.
 */
public final class CidrSet extends WrittenEntries {

  /** Matches nothing. */
  public static final CidrSet EMPTY = new CidrSet(List.of(), List.of());

  private final List<byte[][]> ranges;
  /** The IPv4 ranges as network and mask words, for the allocation-free check of an IPv4 peer. */
  private final int[] v4Nets;
  private final int[] v4Masks;

  private CidrSet(List<String> written, List<byte[][]> ranges) {
    super(written);
    this.ranges = ranges;
    int v4 = (int) ranges.stream().filter(r -> r[0].length == 4).count();
    this.v4Nets = new int[v4];
    this.v4Masks = new int[v4];
    int i = 0;
    for (byte[][] range : ranges) {
      if (range[0].length == 4) {
        v4Nets[i] = word(range[0]);
        v4Masks[i] = word(range[1]);
        i++;
      }
    }
  }

  private static int word(byte[] b) {
    return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
  }

  /**
   * Parses ranges.
   *
   * @throws IllegalArgumentException naming the entry that is not an address or CIDR
   */
  public static CidrSet parse(List<String> cidrs) {
    List<String> w = new ArrayList<>();
    List<byte[][]> r = new ArrayList<>();
    for (String raw : cidrs) {
      String c = raw.trim();
      if (c.isEmpty()) {
        continue;
      }
      int slash = c.indexOf('/');
      String addr = slash < 0 ? c : c.substring(0, slash);
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
      if (bytes == null) {
        throw new IllegalArgumentException(
            "CIDR " + quote(raw) + ": " + quote(addr) + " is not an IP address"
                + " (expected: e.g. 10.0.0.0/8 or 2001:db8::/32)");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(c.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException(
              "CIDR " + quote(raw) + ": prefix length (expected: 0-" + bits + ")");
        }
      }
      byte[] mask = new byte[bytes.length];
      for (int i = 0; i < prefix; i++) {
        mask[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] &= mask[i];
      }
      w.add(c);
      r.add(new byte[][] {bytes, mask});
    }
    return w.isEmpty() ? EMPTY : new CidrSet(List.copyOf(w), List.copyOf(r));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** Whether the address is in one of the ranges. */
  public boolean contains(InetAddress address) {
    if (ranges.isEmpty()) {
      return false;
    }
    if (address instanceof Inet4Address) {
      // Inet4Address's hash code is its address (as it has been since Java 1.0): no copy of it.
      int a = address.hashCode();
      for (int i = 0; i < v4Nets.length; i++) {
        if ((a & v4Masks[i]) == v4Nets[i]) {
          return true;
        }
      }
      return false;
    }
    byte[] a = address.getAddress();
    if (address instanceof Inet6Address && isMappedV4(a)) {
      a = new byte[] {a[12], a[13], a[14], a[15]};
    }
    for (byte[][] range : ranges) {
      byte[] net = range[0];
      byte[] mask = range[1];
      if (net.length != a.length) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < a.length && match; i++) {
        match = (a[i] & mask[i]) == net[i];
      }
      if (match) {
        return true;
      }
    }
    return false;
  }

  /** Whether the textual address (no host names) is in one of the ranges. */
  public boolean contains(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address.trim());
    if (bytes == null) {
      return false;
    }
    try {
      return contains(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isMappedV4(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
  }

  /** Whether the set is empty. */
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** The ranges as written. */
  public List<String> cidrs() {
    return written();
  }
}
