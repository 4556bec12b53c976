package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.headers.HeaderRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeKeysTest {

  private static GlobalSettings apply(Map<String, String> values) {
    GlobalSettings.Builder b = ConfigKeys.defaults().toBuilder();
    values.forEach((k, v) -> ConfigKeys.find(k).orElseThrow().setter().set(v, b));
    return b.build();
  }

  @Test
  void accessLogAndHeaderKeysBuildTheEdgeSettings() {
    GlobalSettings s = apply(Map.of(
        "bollard-log-capture-headers", "X-Runtime:runtime, X-User-Id",
        "bollard-log-capture-prefixes", "X-Log-",
        "bollard-log-keep-captured-headers", "true",
        "bollard-log-redact-query-params", "token,password",
        "skip-access-log-urls", "/healthz,/ping",
        "log-format-upstream", "$remote_addr $status $upstream_http_x_runtime",
        "bollard-response-headers", "set X-Frame-Options: DENY\nclear X-Powered-By",
        "forwarded-for-header", "CF-Connecting-IP",
        "generate-request-id", "false"));
    var log = s.edge().log();
    assertThat(log.capture().exact()).extracting(r -> r.field()).containsExactly("runtime",
        "x_user_id");
    assertThat(log.capture().prefixes()).extracting(r -> r.header()).containsExactly("x-log-");
    assertThat(log.capture().keep()).isTrue();
    assertThat(log.query().redactedParams()).containsExactlyInAnyOrder("token", "password");
    assertThat(log.skipUris()).containsExactly("/healthz", "/ping");
    assertThat(log.textTemplate()).isEqualTo("$remote_addr $status $upstream_http_x_runtime");
    assertThat(s.edge().headers().response()).extracting(HeaderRules.Rule::op)
        .containsExactly(HeaderRules.Op.SET, HeaderRules.Op.CLEAR);
    assertThat(s.edge().forwardedForHeader()).isEqualTo("CF-Connecting-IP");
    assertThat(s.edge().generateRequestId()).isFalse();
  }

  @Test
  void badValuesAreRefusedWithAReason() {
    assertThatThrownBy(() -> apply(Map.of("log-format-upstream", "$remote_addr $bogus")))
        .hasMessageContaining("$bogus");
    assertThatThrownBy(() -> apply(Map.of("bollard-response-headers", "replace X: y")))
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> apply(Map.of("bollard-log-capture-headers", "X Bad")))
        .hasMessageContaining("X Bad");
    assertThatThrownBy(() -> apply(Map.of("bollard-log-max-value-length", "3")))
        .hasMessageContaining("16 to 65536");
  }
}
