package dev.bollard.proxy.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

  @Test
  void setAddClearInOrder() {
    HeaderRules global = new HeaderRules(List.of(),
        HeaderRules.parseLines("# comment\nset X-Frame-Options: DENY\nclear X-Powered-By\n"));
    HeaderRules route = new HeaderRules(
        HeaderRules.setAll(Map.of("X-Env", "prod")),
        HeaderRules.parseLines("add Vary: Accept\nset X-Frame-Options: SAMEORIGIN"));
    HeaderRules rules = global.plus(route);
    HttpHeaders resp = new DefaultHttpHeaders()
        .set("X-Powered-By", "Rails").add("Vary", "Origin").set("X-Frame-Options", "ALLOW");
    rules.applyToResponse(resp);
    assertThat(resp.contains("X-Powered-By")).isFalse();
    assertThat(resp.getAll("Vary")).containsExactly("Origin", "Accept");
    assertThat(resp.get("X-Frame-Options")).isEqualTo("SAMEORIGIN");
    HttpHeaders req = new DefaultHttpHeaders();
    rules.applyToRequest(req);
    assertThat(req.get("X-Env")).isEqualTo("prod");
  }

  @Test
  void badRulesAreNamed() {
    assertThatThrownBy(() -> HeaderRules.parseLines("set X-A: 1\nreplace X-B: 2"))
        .hasMessageContaining("line 2").hasMessageContaining("replace");
    assertThatThrownBy(() -> HeaderRules.parseLines("set Content-Length: 5"))
        .hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> new HeaderRules.Rule(HeaderRules.Op.SET, "X-A", "a\r\nb"))
        .hasMessageContaining("control");
  }

  @Test
  void requestIdsAreKeptOnlyFromTrustedSenders() {
    HttpHeaders in = new DefaultHttpHeaders().set("X-Request-Id", "from-lb-123");
    assertThat(RequestIds.choose(in, true, true)).isEqualTo("from-lb-123");
    String generated = RequestIds.choose(in, false, true);
    assertThat(generated).matches("[0-9a-f]{32}").isNotEqualTo(RequestIds.generate());
    assertThat(RequestIds.choose(new DefaultHttpHeaders().set("X-Request-Id", "a b"), true, true))
        .matches("[0-9a-f]{32}");
    assertThat(RequestIds.choose(in, false, false)).isEmpty();
    HttpHeaders up = new DefaultHttpHeaders().set("X-Request-Id", "forged");
    RequestIds.applyUpstream(up, "abc", 1_700_000_000_123_456L);
    assertThat(up.get("X-Request-Id")).isEqualTo("abc");
    assertThat(up.get("X-Request-Start")).isEqualTo("t=1700000000123456");
  }
}
