package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.Http2Settings;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

  @Test
  void theDeclaredDefaultsAreTheProxysDefaultsWhereBothHaveOne() {
    GlobalSettings global = Catalog.global(SettingValues.DEFAULTS);

    assertThat(Catalog.server(SettingValues.DEFAULTS))
        .isEqualTo(ServerSettings.defaults(new InetSocketAddress("0.0.0.0", 8080)));
    assertThat(global.timeouts()).isEqualTo(GlobalSettings.Timeouts.DEFAULTS);
    assertThat(global.hsts()).isEqualTo(GlobalSettings.Hsts.DEFAULTS);
    // Except one rule: without config the proxy passes an upstream's Server header on, while the
    // control plane's default is ingress-nginx's (server-tokens: false): none at all.
    assertThat(global.edge()).isEqualTo(new EdgeSettings(EdgeSettings.DEFAULTS.log(),
        new HeaderRules(List.of(), List.of(new HeaderRules.Rule(HeaderRules.Op.CLEAR, "Server",
            ""))), EdgeSettings.DEFAULTS.enableRealIp(),
        EdgeSettings.DEFAULTS.forwardedForHeader(), EdgeSettings.DEFAULTS.generateRequestId()));
    assertThat(global.keepAliveRequests()).isEqualTo(GlobalSettings.KEEP_ALIVE_REQUESTS);
    assertThat(global.auth()).isEqualTo(AuthSettings.NONE);
    assertThat(Catalog.INGRESS_CLASS.defaultValue())
        .isEqualTo(IngressClassSelection.DEFAULT_CLASS);
  }

  @Test
  void everySettingHasAFlagOrAKeyAndOnlyKeysChangeAfterStart() {
    assertThat(Catalog.ALL).allSatisfy(s -> {
      assertThat(s.flag() != null || s.key() != null).as(s.name()).isTrue();
      if (s.key() == null) {
        assertThat(s.applied()).as(s.name()).isEqualTo(Setting.Applied.AT_START);
      }
    });
    assertThatThrownBy(() -> new Setting<>("--x", null, "N", "1", "x",
        Setting.Applied.PER_REQUEST, Integer::valueOf))
        .hasMessage("--x: applied PER_REQUEST (expected: AT_START, a flag alone cannot change)");
  }

  @Test
  void aFlagIsSetByItsEnvironmentVariable() {
    assertThat(Catalog.CONNECT_TIMEOUT.environmentVariable()).isEqualTo("BOLLARD_CONNECT_TIMEOUT");
    assertThat(Catalog.BODY_SIZE.environmentVariable()).isNull();
  }

  @Test
  void oneParserReadsTheFlagsAndTheKeysSyntax() {
    assertThat(Catalog.READ_TIMEOUT.parse("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(Catalog.READ_TIMEOUT.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Catalog.READ_TIMEOUT.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> Catalog.READ_TIMEOUT.parse("0"))
        .hasMessage("\"0\" is zero (expected: more than 0)");
    assertThat(Catalog.SHUTDOWN_GRACE.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void valuesAreTypedByTheirSettingAndDeriveCopies() {
    SettingValues changed = SettingValues.DEFAULTS.with(Catalog.IO_THREADS, 3);

    assertThat(changed.get(Catalog.IO_THREADS)).isEqualTo(3);
    assertThat(SettingValues.DEFAULTS.get(Catalog.IO_THREADS)).isZero();
    assertThat(changed).isNotEqualTo(SettingValues.DEFAULTS);
    assertThat(SettingValues.DEFAULTS.orNull(Catalog.AUTH_SECRET)).isNull();
    assertThatThrownBy(() -> SettingValues.DEFAULTS.get(Catalog.AUTH_SECRET))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("bollard-auth-secret");
  }

  @Test
  void theTransportFlagReachesTheServerSettings() {
    assertThat(Catalog.server(SettingValues.DEFAULTS).transport()).isEqualTo("auto");
    SettingValues set = SettingValues.DEFAULTS
        .with(Catalog.TRANSPORT, Catalog.TRANSPORT.parse(" EPOLL "));
    assertThat(Catalog.server(set).transport()).isEqualTo("epoll");
    assertThatThrownBy(() -> Catalog.TRANSPORT.parse("kqueue"))
        .hasMessage("\"kqueue\" is not a transport (expected: auto, io_uring, epoll or nio)");
  }

  @Test
  void theHttp2KeysMakeTheProxysHttp2Settings() {
    assertThat(Catalog.global(SettingValues.DEFAULTS).http2()).isEqualTo(Http2Settings.DEFAULTS);
    SettingValues set = SettingValues.DEFAULTS
        .with(Catalog.USE_HTTP2, Catalog.USE_HTTP2.parse("false"))
        .with(Catalog.HTTP2_MAX_CONCURRENT_STREAMS,
            Catalog.HTTP2_MAX_CONCURRENT_STREAMS.parse("64"))
        .with(Catalog.HTTP2_MAX_FIELD_SIZE, Catalog.HTTP2_MAX_FIELD_SIZE.parse("4k"))
        .with(Catalog.HTTP2_MAX_HEADER_SIZE, Catalog.HTTP2_MAX_HEADER_SIZE.parse("16k"))
        .with(Catalog.HTTP2_MAX_REQUESTS, Catalog.HTTP2_MAX_REQUESTS.parse("500"));
    assertThat(Catalog.global(set).http2())
        .isEqualTo(new Http2Settings(false, 64, 4096, 16384, 500));
    assertThatThrownBy(() -> Catalog.HTTP2_MAX_HEADER_SIZE.parse("100"))
        .hasMessageContaining("from 1024 bytes to 16m");
    assertThatThrownBy(() -> Catalog.HTTP2_MAX_CONCURRENT_STREAMS.parse("0"))
        .hasMessageContaining("from 1 to 65536");
  }
}
