package dev.bollard.controller.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** helm/README.md's values table lists every value of values.yaml. */
class HelmReadmeTest {

  /** Kubernetes objects passed through as they are: their fields are Kubernetes', not ours. */
  private static final Set<String> PASSED_THROUGH =
      Set.of("resources", "podSecurityContext", "securityContext", "config.data");

  @Test
  void readmeListsEveryValue() throws IOException {
    Path chart = RenderedChart.chartDir();
    Map<?, ?> values = (Map<?, ?>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(chart.resolve("values.yaml")));
    String readme = Files.readString(chart.resolve("README.md"));

    List<String> paths = new ArrayList<>();
    leaves("", values, paths);

    assertThat(paths).hasSizeGreaterThan(50);
    assertThat(paths).allSatisfy(path -> assertThat(readme)
        .as("README.md row for %s", path)
        .contains("| `" + path + "` |"));
  }

  private static void leaves(String prefix, Map<?, ?> map, List<String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String path = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child && !child.isEmpty()
          && !PASSED_THROUGH.contains(path)) {
        leaves(path + ".", child, out);
      } else {
        out.add(path);
      }
    }
  }
}
