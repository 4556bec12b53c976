package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.headers.HeaderRules;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  private static ConfigValidation validate(Map<String, String> data, SettingValues defaults) {
    return ConfigValidation.of(new ConfigMapBuilder().withNewMetadata().withName("v1")
        .withNamespace("ingress").withLabels(Map.of(ConfigFamily.VERSION_LABEL, "1"))
        .endMetadata().withData(data).build(), defaults);
  }

  private static GlobalSettings apply(Map<String, String> data) {
    ConfigValidation v = validate(data, SettingValues.DEFAULTS);
    if (!v.valid()) {
      throw new IllegalArgumentException(String.join("; ", v.errors()));
    }
    return v.settings();
  }

  @Test
  void aFlagIsTheDefaultOfItsKeyAndAKeyWins() {
    SettingValues flags = SettingValues.DEFAULTS
        .with(Catalog.READ_TIMEOUT, Duration.ofSeconds(90))
        .with(Catalog.KEEP_ALIVE, Duration.ofSeconds(20));

    GlobalSettings s = validate(Map.of("keep-alive", "5"), flags).settings();

    assertThat(s.timeouts().read()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.timeouts().keepAlive()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void withNoKeysTheSettingsAreTheDeclaredDefaults() {
    GlobalSettings s = apply(Map.of());

    assertThat(s.timeouts()).isEqualTo(GlobalSettings.Timeouts.DEFAULTS);
    assertThat(s.maxBodyBytes()).isEqualTo(1L << 20);
    assertThat(s.realIpCidrs()).containsExactly("0.0.0.0/0");
    assertThat(s.hsts()).isEqualTo(GlobalSettings.Hsts.DEFAULTS);
    assertThat(s.auth().secret()).isNull();
    assertThat(s.edge().log().textTemplate()).isNull();
  }

  @Test
  void everyBadKeyIsNamedWithWhatWasExpected() {
    ConfigValidation v = validate(Map.of("proxy-read-timeout", "0", "proxy-body-size", "1q",
        "colour", "red"), SettingValues.DEFAULTS);

    assertThat(v.valid()).isFalse();
    assertThat(v.errors()).containsExactly(
        "key proxy-body-size: \"1q\" is not a size (expected e.g. 1m, 512k, 8192, or 0 for"
            + " unlimited)",
        "key proxy-read-timeout: \"0\" is zero (expected: more than 0)");
    assertThat(v.warnings()).singleElement().asString().contains("colour");
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
    // server-tokens (false) comes first, so the operator's own rules have the last word.
    assertThat(s.edge().headers().response())
        .extracting(HeaderRules.Rule::op, HeaderRules.Rule::name)
        .containsExactly(tuple(HeaderRules.Op.CLEAR, "Server"),
            tuple(HeaderRules.Op.SET, "X-Frame-Options"),
            tuple(HeaderRules.Op.CLEAR, "X-Powered-By"));
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
