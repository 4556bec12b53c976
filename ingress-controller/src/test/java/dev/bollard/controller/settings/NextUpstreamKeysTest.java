package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.NextUpstream;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The global {@code proxy-next-upstream}, {@code -tries} and {@code -timeout} keys: ingress-nginx's
 * defaults without a version, a version's values in the snapshot's settings, a bad value refusing
 * the version.
 */
class NextUpstreamKeysTest {

  private final GlobalConfig config = new GlobalConfig(new ConfigFamily("ingress", "bollard"), -1);

  private ConfigState resolve(ConfigMap... versions) {
    return config.resolve(ResourceStore.of(List.of(versions)), GlobalConfig.History.EMPTY)
        .state();
  }

  @Test
  void withoutAVersionIngressNginxDefaultsApply() {
    assertThat(resolve().settings().nextUpstream()).isEqualTo(
        new NextUpstream(NextUpstream.ERROR | NextUpstream.TIMEOUT, 3, Duration.ZERO));
  }

  @Test
  void aVersionSetsTheRules() {
    ConfigState state = resolve(version("1", Map.of("proxy-next-upstream",
        "error timeout http_502 http_503", "proxy-next-upstream-tries", "2",
        "proxy-next-upstream-timeout", "15")));
    assertThat(state.settings().nextUpstream()).isEqualTo(new NextUpstream(
        NextUpstream.ERROR | NextUpstream.TIMEOUT | NextUpstream.HTTP_502 | NextUpstream.HTTP_503,
        2, Duration.ofSeconds(15)));
    assertThat(resolve(version("1", Map.of("proxy-next-upstream", "off")))
        .settings().nextUpstream().conditions()).isZero();
  }

  @Test
  void retryNonIdempotentLetsPostsGoOnUnderAnyConditions() {
    NextUpstream rules = resolve(version("1", Map.of("retry-non-idempotent", "true")))
        .settings().nextUpstream();
    assertThat(rules.on(NextUpstream.NON_IDEMPOTENT)).isTrue();
    // As ingress-nginx adds it to an Ingress's own value too.
    assertThat(rules.withConditions(NextUpstream.ERROR).on(NextUpstream.NON_IDEMPOTENT)).isTrue();
    assertThat(rules.withConditions(0).on(NextUpstream.NON_IDEMPOTENT)).isFalse();
    assertThat(resolve().settings().nextUpstream().on(NextUpstream.NON_IDEMPOTENT)).isFalse();
  }

  @Test
  void aBadValueRefusesTheVersion() {
    ConfigState state = resolve(version("1", Map.of("proxy-next-upstream", "error sometimes",
        "proxy-next-upstream-tries", "-1")));
    assertThat(state.refused()).singleElement().satisfies(v -> assertThat(v.errors())
        .anyMatch(e -> e.startsWith("key proxy-next-upstream:") && e.contains("sometimes"))
        .anyMatch(e -> e.startsWith("key proxy-next-upstream-tries")));
    assertThat(state.settings().nextUpstream()).isEqualTo(NextUpstream.DEFAULTS);
  }

  private static ConfigMap version(String number, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName("v" + number)
        .withNamespace("ingress")
        .withLabels(Map.of(ConfigFamily.CONFIG_LABEL, "bollard", ConfigFamily.VERSION_LABEL,
            number))
        .endMetadata().withData(data).build();
  }
}
