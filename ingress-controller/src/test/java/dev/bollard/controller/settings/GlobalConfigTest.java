package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalConfigTest {

  private static final ConfigFamily FAMILY = new ConfigFamily("ingress", "bollard");

  private final List<String> refused = new ArrayList<>();
  private final List<String> warned = new ArrayList<>();
  private final Rebuilds config = new Rebuilds(new GlobalConfig(FAMILY, -1));

  /** Resolves as successive rebuilds do: each passes its history on, and reports are kept. */
  private final class Rebuilds {
    private final GlobalConfig config;
    private GlobalConfig.History history = GlobalConfig.History.EMPTY;

    Rebuilds(GlobalConfig config) {
      this.config = config;
    }

    ConfigState resolve(ResourceStore store) {
      GlobalConfig.Verdict verdict = config.resolve(store, history);
      history = verdict.next();
      for (GlobalConfig.Report report : verdict.reports()) {
        if (report instanceof GlobalConfig.Report.Refused r) {
          refused.add(r.refusal().version().configMap());
        } else if (report instanceof GlobalConfig.Report.Warned w) {
          warned.add(w.warning());
        }
      }
      return verdict.state();
    }
  }

  @Test
  void theHighestValidVersionWinsAndAnInvalidOneIsRefusedWhole() {
    ConfigState state = config.resolve(store(
        version("v1", "1", Map.of("proxy-read-timeout", "30")),
        version("v2", "2", Map.of("proxy-read-timeout", "soon", "proxy-body-size", "1q",
            "keep-alive", "10"))));
    assertThat(state.activeVersion()).isEqualTo(1);
    assertThat(state.settings().timeouts().read()).isEqualTo(Duration.ofSeconds(30));
    assertThat(state.refused()).singleElement().satisfies(v -> assertThat(v.errors())
        .anyMatch(e -> e.startsWith("key proxy-read-timeout"))
        .anyMatch(e -> e.startsWith("key proxy-body-size")));
    // Reported once, not per rebuild.
    config.resolve(store(version("v1", "1", Map.of("proxy-read-timeout", "30")),
        version("v2", "2", Map.of("proxy-read-timeout", "soon"))));
    assertThat(refused).containsExactly("v2", "v2");
  }

  @Test
  void balancingKeysAreReadAndABadValueRefusesTheVersion() {
    ConfigState state = config.resolve(store(
        version("v1", "1", Map.of("load-balance", "EWMA",
            "upstream-hash-by", " $host$cookie_session ")),
        version("v2", "2", Map.of("load-balance", "fastest",
            "upstream-hash-by", "$upstream_addr"))));
    assertThat(state.activeVersion()).isEqualTo(1);
    assertThat(state.settings().loadBalance())
        .isEqualTo(dev.bollard.proxy.config.LoadBalance.EWMA);
    assertThat(state.settings().upstreamHashBy()).isEqualTo("$host$cookie_session");
    assertThat(state.refused()).singleElement().satisfies(v -> assertThat(v.errors())
        .anyMatch(e -> e.startsWith("key load-balance") && e.contains("fastest"))
        .anyMatch(e -> e.startsWith("key upstream-hash-by") && e.contains("$upstream_addr")));
    ConfigState none = new Rebuilds(new GlobalConfig(FAMILY, -1)).resolve(ResourceStore.empty());
    assertThat(none.settings().loadBalance())
        .isEqualTo(dev.bollard.proxy.config.LoadBalance.ROUND_ROBIN);
    assertThat(none.settings().upstreamHashBy()).isEmpty();
  }

  @Test
  void clientAddressKeysAreReadAndABadEntryRefusesTheVersion() {
    ConfigState state = config.resolve(store(
        version("v1", "1", Map.of("whitelist-source-range", "10.0.0.0/8, 2001:db8::/32",
            "denylist-source-range", "10.6.6.6", "block-cidrs", "192.0.2.66",
            "block-user-agents", "BadBot,~*crawler", "block-referers", "~*\\.spam\\.example/")),
        version("v2", "2", Map.of("block-cidrs", "192.0.2.300", "block-user-agents", "~(x",
            "whitelist-source-range", "10.0.0.0/40", "denylist-source-range", "nope",
            "block-referers", "~[z"))));
    assertThat(state.activeVersion()).isEqualTo(1);
    dev.bollard.proxy.config.AccessRules access = state.settings().access();
    assertThat(access.allow().cidrs()).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(access.deny().contains("10.6.6.6")).isTrue();
    assertThat(access.block().contains("192.0.2.66")).isTrue();
    assertThat(access.blockUserAgents().matches("a Crawler")).isTrue();
    assertThat(access.blockReferers().matches("https://www.SPAM.example/x")).isTrue();
    assertThat(access.blockReferers().matches("https://spam.example.org/")).isFalse();
    assertThat(state.refused()).singleElement().satisfies(v -> assertThat(v.errors())
        .anyMatch(e -> e.startsWith("key block-cidrs") && e.contains("192.0.2.300"))
        .anyMatch(e -> e.startsWith("key block-user-agents") && e.contains("~(x"))
        .anyMatch(e -> e.startsWith("key block-referers") && e.contains("~[z"))
        .anyMatch(e -> e.startsWith("key whitelist-source-range"))
        .anyMatch(e -> e.startsWith("key denylist-source-range") && e.contains("nope")));
  }

  @Test
  void unknownKeysWarnAndEditsInPlaceAreNoticed() {
    config.resolve(store(version("v1", "1", Map.of("proxy-body-size", "2m", "colour", "red"))));
    ConfigState state = config.resolve(store(version("v1", "1", Map.of("proxy-body-size", "3m"))));
    assertThat(state.settings().maxBodyBytes()).isEqualTo(3L << 20);
    assertThat(warned).anyMatch(w -> w.contains("colour")).anyMatch(w -> w.contains("in place"));
  }

  @Test
  void whenEveryVersionIsRefusedTheLastGoodSettingsStay() {
    config.resolve(store(version("v1", "1", Map.of("proxy-body-size", "2m"))));
    ConfigState state = config.resolve(store(version("v1", "1", Map.of("proxy-body-size", "x"))));
    assertThat(state.settings().maxBodyBytes()).isEqualTo(2L << 20);
    assertThat(state.note()).contains("every version is refused");
  }

  @Test
  void aPinnedVersionIsUsedEvenWhenAHigherOneIsValid() {
    Rebuilds pinned = new Rebuilds(new GlobalConfig(FAMILY, 1));
    ConfigState state = pinned.resolve(store(version("v1", "1", Map.of("keep-alive", "5")),
        version("v2", "2", Map.of("keep-alive", "9"))));
    assertThat(state.settings().timeouts().keepAlive()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void resolvingIsPureTheSameInputGivesTheSameVerdict() {
    ResourceStore store = store(
        version("v1", "1", Map.of("proxy-body-size", "2m", "colour", "red")),
        version("v2", "2", Map.of("proxy-body-size", "x")));
    GlobalConfig pure = new GlobalConfig(FAMILY, -1);
    GlobalConfig.Verdict first = pure.resolve(store, GlobalConfig.History.EMPTY);
    assertThat(pure.resolve(store, GlobalConfig.History.EMPTY)).isEqualTo(first);
    assertThat(first.reports()).hasOnlyElementsOfTypes(GlobalConfig.Report.Warned.class,
        GlobalConfig.Report.Refused.class, GlobalConfig.Report.Activated.class)
        .hasAtLeastOneElementOfType(GlobalConfig.Report.Activated.class);
    // Passing the verdict's history on: nothing new to report.
    assertThat(pure.resolve(store, first.next()).reports()).isEmpty();
  }

  @Test
  void whenEveryVersionIsRefusedTheHistoryKeepsTheLastGoodSettings() {
    GlobalConfig pure = new GlobalConfig(FAMILY, -1);
    GlobalConfig.Verdict good = pure.resolve(
        store(version("v1", "1", Map.of("proxy-body-size", "2m"))), GlobalConfig.History.EMPTY);
    ResourceStore broken = store(version("v1", "1", Map.of("proxy-body-size", "x")));
    assertThat(pure.resolve(broken, good.next()).state().settings().maxBodyBytes())
        .isEqualTo(2L << 20);
    // Without the history nothing was ever in force: the key defaults.
    assertThat(pure.resolve(broken, GlobalConfig.History.EMPTY).state().settings().maxBodyBytes())
        .isEqualTo(1L << 20);
  }

  @Test
  void withoutVersionsTheKeyDefaultsApply() {
    ConfigState state = config.resolve(ResourceStore.empty());
    assertThat(state.active()).isNull();
    assertThat(state.settings().maxBodyBytes()).isEqualTo(1L << 20);
    assertThat(state.settings().timeouts().read()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void withoutVersionsTheFlagsValuesApply() {
    Rebuilds withFlags = new Rebuilds(new GlobalConfig(FAMILY, -1,
        SettingValues.DEFAULTS.with(Catalog.READ_TIMEOUT, Duration.ofSeconds(7))));
    assertThat(withFlags.resolve(ResourceStore.empty()).settings().timeouts().read())
        .isEqualTo(Duration.ofSeconds(7));
    ConfigState state = withFlags.resolve(store(version("v1", "1", Map.of("keep-alive", "5"))));
    assertThat(state.settings().timeouts().read()).isEqualTo(Duration.ofSeconds(7));
    assertThat(state.settings().timeouts().keepAlive()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theReadmeShowsTheKeyTable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme).contains(ConfigKeys.markdownTable());
  }

  private static ResourceStore store(ConfigMap... maps) {
    return ResourceStore.of(List.of(maps));
  }

  private static ConfigMap version(String name, String number, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ingress")
        .withLabels(Map.of(ConfigFamily.CONFIG_LABEL, "bollard",
            ConfigFamily.VERSION_LABEL, number))
        .endMetadata().withData(data).build();
  }
}
