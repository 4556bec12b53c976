package dev.bollard.controller.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The chart rendered by {@code helm template} (through helm-java) and parsed with fabric8. */
record RenderedChart(String yaml, List<HasMetadata> objects) {

  static final String RELEASE = "edge";
  static final String NAMESPACE = "ingress";
  /** helm-java's default Kubernetes version (1.20) is older than the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.30.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The chart directory, seen from the ingress-controller module where tests run. */
  static Path chartDir() {
    Path dir = Path.of("..", "helm").toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no chart at " + dir + " (tests run in ingress-controller/)");
    }
    return dir;
  }

  static LintResult lint() {
    return new Helm(chartDir()).lint().strict().call();
  }

  /**
   * Renders the chart with the chart's defaults overlaid by value files from {@code
   * src/test/resources/helm/} (none: the defaults alone).
   */
  static RenderedChart render(String... valueFiles) {
    return render(Map.of(), valueFiles);
  }

  /** As {@link #render(String...)}, then {@code --set} each entry (Helm's path syntax). */
  static RenderedChart render(Map<String, String> sets, String... valueFiles) {
    TemplateCommand template =
        new Helm(chartDir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (String file : valueFiles) {
      template = template.withValuesFile(resource("helm/" + file));
    }
    for (Map.Entry<String, String> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    String yaml = template.call();
    return new RenderedChart(yaml, parse(yaml));
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (parsed instanceof List<?> list) {
      return List.copyOf((List<HasMetadata>) list);
    }
    if (parsed instanceof KubernetesResourceList<?> list) {
      return List.copyOf((List<HasMetadata>) list.getItems());
    }
    return List.of((HasMetadata) parsed);
  }

  private static Path resource(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(
                  RenderedChart.class.getClassLoader().getResource(name), "test resource " + name)
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + ", rendered " + found.size() + ":\n" + yaml);
    }
    return found.get(0);
  }

  /** The one object of either type: the workload is a Deployment or a DaemonSet. */
  HasMetadata one(Class<? extends HasMetadata> a, Class<? extends HasMetadata> b) {
    List<HasMetadata> found =
        objects.stream().filter(o -> a.isInstance(o) || b.isInstance(o)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + a.getSimpleName() + " or " + b.getSimpleName()
          + ", rendered " + found.size() + ":\n" + yaml);
    }
    return found.get(0);
  }

  /** Objects of a kind fabric8 has no class for (ServiceMonitor): matched by kind. */
  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }
}
