package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.HeaderMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The global {@code proxy-set-headers}, {@code add-headers} and {@code hide-headers}: the
 * referenced ConfigMaps are read when the snapshot is built, bad entries and missing ConfigMaps
 * are problems naming the config version, the key, the ConfigMap and the entry.
 */
class GlobalHeaderMapsTest {

  private static final String VERSION = "ConfigMap default/bollard-config-v3 (version 3)";

  private static TranslationResult translate(List<HasMetadata> resources) {
    return new SnapshotTranslator(IngressClassSelection.defaults())
        .translate(ResourceStore.of(resources));
  }

  private static List<String> problems(TranslationResult result) {
    return result.problems().stream().filter(p -> p.resource().equals(VERSION))
        .map(p -> p.field() + ": " + p.message()).toList();
  }

  @Test
  void validEntriesAreResolvedAndBadOnesAreProblemsNamingTheEntry() {
    TranslationResult result = translate(Fixtures.resources("header-maps.yaml"));
    HeaderMaps maps = result.snapshot().settings().headerMaps();
    assertThat(maps.request()).containsExactly(
        Map.entry("X-Client", "$remote_addr"), Map.entry("X-Using-Bollard", "true"));
    assertThat(maps.response()).isEmpty();
    assertThat(maps.hidden()).containsExactly("X-Powered-By", "Server-Timing");
    assertThat(problems(result)).satisfiesExactlyInAnyOrder(
        p -> assertThat(p).startsWith("proxy-set-headers: ConfigMap ops/upstream-headers,"
            + " entry Host: ").contains("cannot be changed").endsWith("Fix the entry."),
        p -> assertThat(p).startsWith("proxy-set-headers: ConfigMap ops/upstream-headers,"
            + " entry X-Unknown: ").contains("no_such_variable"),
        p -> assertThat(p).isEqualTo("add-headers: ConfigMap ops/missing does not exist (or is"
            + " outside the watched namespaces); its headers are not added to responses until it"
            + " does. Create it or fix add-headers."));
    // The Ingress is served regardless.
    assertThat(result.snapshot().virtualHosts()).hasSize(1);
  }

  @Test
  void theReferencedConfigMapsContentIsReadEachTime() {
    List<HasMetadata> resources = new ArrayList<>(Fixtures.resources("header-maps.yaml"));
    resources.add(new ConfigMapBuilder().withNewMetadata().withName("missing")
        .withNamespace("ops").endMetadata()
        .withData(Map.of("X-Frame-Options", "DENY", "Empty", "")).build());
    HeaderMaps maps = translate(resources).snapshot().settings().headerMaps();
    assertThat(maps.response()).containsExactly(
        Map.entry("Empty", ""), Map.entry("X-Frame-Options", "DENY"));

    resources.replaceAll(r -> r instanceof ConfigMap m && m.getMetadata().getName().equals("missing")
        ? new ConfigMapBuilder(m).withData(Map.of("X-Frame-Options", "SAMEORIGIN")).build() : r);
    assertThat(translate(resources).snapshot().settings().headerMaps().response())
        .containsExactly(Map.entry("X-Frame-Options", "SAMEORIGIN"));
  }

  @Test
  void badKeyValuesRefuseTheVersion() {
    List<HasMetadata> resources = new ArrayList<>();
    resources.add(new ConfigMapBuilder().withNewMetadata().withName("bollard-config-v1")
        .withNamespace("default").withLabels(Map.of("bollard.dev/config", "bollard",
            "bollard.dev/config-version", "1")).endMetadata()
        .withData(Map.of("proxy-set-headers", "no-namespace", "hide-headers",
            "X-Ok, Content-Length, bad name")).build());
    TranslationResult result = translate(resources);
    assertThat(result.snapshot().settings().headerMaps()).isEqualTo(HeaderMaps.NONE);
    assertThat(String.join("\n", result.config().state().refused().get(0).errors()))
        .contains("proxy-set-headers", "no-namespace", "namespace/name of a ConfigMap")
        .contains("hide-headers", "Content-Length");
  }
}
