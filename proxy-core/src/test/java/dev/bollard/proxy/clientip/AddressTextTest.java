package dev.bollard.proxy.clientip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTextTest {

  @Test
  void eachAddressGetsItsOwnTextWhateverCameBefore() throws Exception {
    InetAddress a = InetAddress.getByName("10.0.0.2");
    InetAddress b = InetAddress.getByName("198.51.100.1");
    InetAddress v6 = InetAddress.getByName("2001:db8::5");
    for (InetAddress address : new InetAddress[] {a, a, b, InetAddress.getByName("10.0.0.2"), v6, a,
        v6, b}) {
      assertThat(AddressText.of(address)).isEqualTo(address.getHostAddress());
    }
  }

  @Test
  void equalIpv6AddressesInOtherScopesKeepTheirScope() throws Exception {
    byte[] bytes = InetAddress.getByName("fe80::1").getAddress();
    InetAddress one = Inet6Address.getByAddress(null, bytes, 1);
    InetAddress two = Inet6Address.getByAddress(null, bytes, 2);
    assertThat(one).isEqualTo(two); // equal by bytes, yet written with their scope
    assertThat(AddressText.of(one)).isEqualTo("fe80:0:0:0:0:0:0:1%1");
    assertThat(AddressText.of(two)).isEqualTo("fe80:0:0:0:0:0:0:1%2");
  }
}
