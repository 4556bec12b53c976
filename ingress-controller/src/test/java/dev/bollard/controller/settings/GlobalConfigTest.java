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
  private final GlobalConfig config =
      new GlobalConfig(FAMILY, -1, new GlobalConfig.Listener() {
        @Override
        public void refused(ConfigValidation refusal) {
          refused.add(refusal.version().configMap());
        }

        @Override
        public void warned(ConfigVersion version, String warning) {
          warned.add(warning);
        }
      });

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
    GlobalConfig pinned = new GlobalConfig(FAMILY, 1, new GlobalConfig.Listener() {});
    ConfigState state = pinned.resolve(store(version("v1", "1", Map.of("keep-alive", "5")),
        version("v2", "2", Map.of("keep-alive", "9"))));
    assertThat(state.settings().timeouts().keepAlive()).isEqualTo(Duration.ofSeconds(5));
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
    GlobalConfig withFlags = new GlobalConfig(FAMILY, -1,
        SettingValues.DEFAULTS.with(Catalog.READ_TIMEOUT, Duration.ofSeconds(7)),
        new GlobalConfig.Listener() {});
    assertThat(withFlags.state().settings().timeouts().read()).isEqualTo(Duration.ofSeconds(7));
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
