package dev.bollard.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlobalSettingsTest {

  @Test
  void everyTimeoutIsPositive() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new GlobalSettings.Timeouts(s, Duration.ZERO, s, s, s, s, s))
        .hasMessage("read timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new GlobalSettings.Timeouts(s, s, s, s, Duration.ofSeconds(-1), s, s))
        .hasMessage("keepAlive timeout: PT-1S (expected: > 0)");
  }

  @Test
  void aConnectionServesAtLeastOneRequest() {
    GlobalSettings d = GlobalSettings.DEFAULTS;
    assertThat(d.keepAliveRequests()).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> d.withKeepAliveRequests(0))
        .hasMessage("keepAliveRequests: 0 (expected: >= 1)");
    GlobalSettings two = d.withKeepAliveRequests(2);
    assertThat(two.withTimeouts(d.timeouts()).withAuth(d.auth()).keepAliveRequests()).isEqualTo(2);
  }
}
