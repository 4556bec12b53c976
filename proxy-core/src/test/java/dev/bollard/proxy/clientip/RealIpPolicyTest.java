package dev.bollard.proxy.clientip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealIpPolicyTest {

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void cidrMatching() throws Exception {
    CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32"));
    assertThat(set.contains(ip("10.255.0.1"))).isTrue();
    assertThat(set.contains(ip("11.0.0.1"))).isFalse();
    assertThat(set.contains(ip("192.168.1.7"))).isTrue();
    assertThat(set.contains(ip("192.168.1.8"))).isFalse();
    assertThat(set.contains(ip("2001:db8:1::5"))).isTrue();
    assertThat(set.contains(ip("::ffff:10.1.2.3"))).isTrue();
    assertThat(CidrSet.parse(List.of("0.0.0.0/0")).contains(ip("8.8.8.8"))).isTrue();
    assertThat(set).isEqualTo(CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32")));
    assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> CidrSet.parse(List.of("example.com"))).hasMessageContaining("example.com");
  }

  @Test
  void forwardedForOnlyFromTrustedProxies() throws Exception {
    RealIpPolicy policy =
        new RealIpPolicy(CidrSet.parse(List.of("10.0.0.0/8")), true, false, "X-Forwarded-For");
    HttpHeaders h = new DefaultHttpHeaders().set("X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.5");
    assertThat(policy.clientAddress(ip("10.0.0.2"), h).getHostAddress()).isEqualTo("203.0.113.9");
    assertThat(policy.forwardedFor(ip("10.0.0.2"), h))
        .isEqualTo("1.1.1.1, 203.0.113.9, 10.0.0.5, 10.0.0.2");
    // An untrusted peer cannot choose its address, and its chain is not passed on.
    assertThat(policy.clientAddress(ip("198.51.100.1"), h).getHostAddress()).isEqualTo("198.51.100.1");
    assertThat(policy.forwardedFor(ip("198.51.100.1"), h)).isEqualTo("198.51.100.1");
    // All trusted: the leftmost.
    HttpHeaders inside = new DefaultHttpHeaders().set("X-Forwarded-For", "10.1.1.1, 10.2.2.2");
    assertThat(policy.clientAddress(ip("10.0.0.2"), inside).getHostAddress()).isEqualTo("10.1.1.1");
    // Off: the peer.
    assertThat(RealIpPolicy.DEFAULTS.clientAddress(ip("10.0.0.2"), h).getHostAddress()).isEqualTo("10.0.0.2");
    // Another header name.
    RealIpPolicy custom =
        new RealIpPolicy(CidrSet.parse(List.of("10.0.0.0/8")), true, false, "CF-Connecting-IP");
    assertThat(custom.clientAddress(ip("10.0.0.2"),
        new DefaultHttpHeaders().set("cf-connecting-ip", "198.51.100.4")).getHostAddress()).isEqualTo("198.51.100.4");
  }
}
