package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.config.Endpoint;
import org.junit.jupiter.api.Test;

/** {@code auth-url} values into where the auth request goes. */
class AuthTargetTest {

  @Test
  void plainHttpKeepsPathAndQueryAndLeavesTheDefaultPortOutOfHost() {
    AuthTarget t = AuthTarget.parse("http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth?x=1");
    assertThat(t.endpoint()).isEqualTo(new Endpoint("oauth2-proxy.auth.svc.cluster.local", 80));
    assertThat(t.tls()).isNull();
    assertThat(t.uri()).isEqualTo("/oauth2/auth?x=1");
    assertThat(t.hostHeader()).isEqualTo("oauth2-proxy.auth.svc.cluster.local");
  }

  @Test
  void httpsSendsTheServerNameAndVerifiesNothingAsNginx() {
    AuthTarget t = AuthTarget.parse("HTTPS://login.example.com:8443");
    assertThat(t.endpoint()).isEqualTo(new Endpoint("login.example.com", 8443));
    assertThat(t.uri()).isEqualTo("/");
    assertThat(t.hostHeader()).isEqualTo("login.example.com:8443");
    assertThat(t.tls()).isNotNull();
    assertThat(t.tls().sni()).isTrue();
    assertThat(t.tls().verify()).isFalse();
    assertThat(t.tls().serverName()).isEqualTo("login.example.com");
  }

  @Test
  void anIpv6LiteralIsAnEndpointWithoutBrackets() {
    AuthTarget t = AuthTarget.parse("http://[2001:db8::1]:4180/oauth2/auth");
    assertThat(t.endpoint()).isEqualTo(new Endpoint("2001:db8::1", 4180));
    assertThat(t.hostHeader()).isEqualTo("[2001:db8::1]:4180");
  }

  @Test
  void whatIsNotAnHttpUrlWithAHostIsRefusedSayingWhy() {
    assertThatThrownBy(() -> AuthTarget.parse("oauth2-proxy/oauth2/auth"))
        .hasMessage("expected an http:// or https:// URL");
    assertThatThrownBy(() -> AuthTarget.parse("ftp://auth.example/"))
        .hasMessage("expected an http:// or https:// URL");
    assertThatThrownBy(() -> AuthTarget.parse("http:///oauth2/auth"))
        .hasMessage("the URL names no host");
    assertThatThrownBy(() -> AuthTarget.parse("http://user:pw@auth.example/"))
        .hasMessage("credentials in the URL are not supported");
    assertThatThrownBy(() -> AuthTarget.parse("http://auth example/"))
        .hasMessageStartingWith("not a URL");
  }
}
