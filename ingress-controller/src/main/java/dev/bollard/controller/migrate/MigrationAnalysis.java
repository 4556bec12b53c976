package dev.bollard.controller.migrate;

import dev.bollard.controller.compat.Entry;
import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.controller.compat.Status;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.settings.Setting;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.controller.translate.TranslationResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link MigrationReport} for a set of resources written for ingress-nginx.
 *
 * <p>Every Ingress read is treated as one Bollard will serve (its class is what ingress-nginx
 * served; pass {@code ingressClass} to look at one class only), translated exactly as {@code run}
 * translates. Each of its annotations of ingress-nginx then gets the table's status ({@link
 * IngressNginx}) together with what translation reported about it: a refused snippet directive, a
 * value not accepted. Problems of the Ingress that name no such annotation are listed beside.
 */
public final class MigrationAnalysis {

  private static final String FIELD_PREFIX = "metadata.annotations[";

  private MigrationAnalysis() {}

  /**
   * ingress-nginx's controller ConfigMap.
   *
   * @param name how the report names it ({@code namespace/name} or the file)
   * @param data its keys and values
   */
  public record NginxConfigMap(String name, Map<String, String> data) {
    public NginxConfigMap {
      data = Map.copyOf(data);
    }
  }

  /**
   * The report.
   *
   * @param resources what was read (Ingresses, Services, EndpointSlices, Secrets, ConfigMaps…)
   * @param readProblems problems met reading them (files that do not parse)
   * @param ingressClass only Ingresses of this class ({@code kubernetes.io/ingress.class} or
   *     {@code spec.ingressClassName}), or {@code null} for all
   * @param configMap ingress-nginx's controller ConfigMap, or {@code null}
   */
  public static MigrationReport analyse(List<HasMetadata> resources, List<Problem> readProblems,
      @Nullable String ingressClass, @Nullable NginxConfigMap configMap) {
    List<Ingress> ingresses = new ArrayList<>();
    List<HasMetadata> translated = new ArrayList<>();
    for (HasMetadata r : resources) {
      if (r instanceof Ingress ingress) {
        if (ingressClass == null || ingressClass.equals(classOf(ingress))) {
          ingresses.add(ingress);
          translated.add(asOurs(ingress));
        }
      } else if (!(r instanceof IngressClass)) {
        translated.add(r);
      }
    }
    if (configMap != null) {
      asConfigVersion(configMap).ifPresent(translated::add);
    }
    TranslationResult result = new SnapshotTranslator(IngressClassSelection.defaults())
        .translate(new SourceRead(ResourceStore.of(translated), readProblems),
            GlobalConfig.History.EMPTY);
    Map<String, List<Problem>> byIngress = new TreeMap<>();
    List<String> other = new ArrayList<>();
    for (Problem p : result.problems()) {
      if (p.resource().startsWith("Ingress ")) {
        byIngress.computeIfAbsent(p.resource(), k -> new ArrayList<>()).add(p);
      } else {
        other.add(p.toString());
      }
    }
    ingresses.sort(Comparator.comparing(MigrationAnalysis::nameOf));
    List<MigrationReport.IngressVerdict> verdicts = new ArrayList<>();
    for (Ingress ingress : ingresses) {
      verdicts.add(ingressVerdict(ingress,
          byIngress.getOrDefault("Ingress " + nameOf(ingress), List.of())));
    }
    return new MigrationReport(verdicts,
        configMap == null ? null : configMapVerdict(configMap), other);
  }

  /** One Ingress's verdict from its annotations and the problems translation reported for it. */
  static MigrationReport.IngressVerdict ingressVerdict(
      Ingress ingress, List<Problem> problems) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations() == null
        ? Map.of() : new TreeMap<>(ingress.getMetadata().getAnnotations());
    List<MigrationReport.Verdict> verdicts = new ArrayList<>();
    List<Problem> rest = new ArrayList<>(problems);
    annotations.forEach((key, value) -> {
      if (!IngressNginx.concerns(key)) {
        return;
      }
      String field = FIELD_PREFIX + key + "]";
      Optional<String> ignored = IngressNginx.ignoredMessage(key);
      List<String> about = new ArrayList<>();
      for (Problem p : problems) {
        if (p.field().equals(field)) {
          rest.remove(p);
          // The table's own "ignored" problem is what the outcome says already.
          if (ignored.isEmpty() || !ignored.get().equals(p.message())) {
            about.add(p.message());
          }
        }
      }
      verdicts.add(verdict(key, value, IngressNginx.annotation(key), about));
    });
    return new MigrationReport.IngressVerdict(nameOf(ingress), verdicts,
        rest.stream().map(p -> p.field() + ": " + p.message()).toList());
  }

  private static MigrationReport.Verdict verdict(
      String key, String value, Optional<Entry> entry, List<String> problems) {
    if (entry.isEmpty()) {
      return new MigrationReport.Verdict(key, value, Outcome.UNKNOWN, "", 0, problems);
    }
    Entry e = entry.get();
    Outcome outcome = switch (e.status()) {
      case HONOURED -> Outcome.HONOURED;
      case DIFFERS -> Outcome.DIFFERS;
      case IGNORED -> Outcome.IGNORED;
      case REFUSED -> Outcome.REFUSED;
      case PLANNED -> Outcome.PLANNED;
    };
    if (!problems.isEmpty() && e.status().applied()) {
      // A snippet's problems name the directives Bollard refused; anything else is a bad value.
      outcome = key.endsWith("-snippet") ? Outcome.REFUSED : Outcome.PROBLEM;
    }
    String note = e.status() == Status.HONOURED ? "" : e.note();
    return new MigrationReport.Verdict(key, value, outcome, note, e.issue(), problems);
  }

  private static MigrationReport.ConfigMapVerdict configMapVerdict(NginxConfigMap configMap) {
    List<MigrationReport.Verdict> keys = new ArrayList<>();
    new TreeMap<>(configMap.data()).forEach((key, value) -> {
      List<String> problems = new ArrayList<>();
      Optional<Entry> entry = IngressNginx.configKey(key);
      if (entry.isPresent() && entry.get().status().applied()) {
        Catalog.ALL.stream().filter(s -> key.equals(s.key())).findFirst()
            .ifPresent(setting -> check(setting, value).ifPresent(problems::add));
      }
      keys.add(verdict(key, value, entry, problems));
    });
    return new MigrationReport.ConfigMapVerdict(configMap.name(), keys);
  }

  private static Optional<String> check(Setting<?> setting, String value) {
    try {
      setting.parse(value);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage() + "; Bollard refuses a config version with this value");
    }
  }

  /** The class ingress-nginx would have read: the annotation wins over the field. */
  private static @Nullable String classOf(Ingress ingress) {
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    String annotated = a == null ? null : a.get(IngressClassSelection.CLASS_ANNOTATION);
    if (annotated != null && !annotated.isBlank()) {
      return annotated.strip();
    }
    return ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
  }

  /** The Ingress as one of Bollard's class, so that translation serves it. */
  /**
   * The keys of ingress-nginx's ConfigMap that Bollard honours under the same names, with values it
   * accepts, as a Bollard config version of the default family: what the report tells the user to
   * do, so the annotations are judged under those settings ({@code allow-snippet-annotations}
   * decides whether snippets apply at all). Empty when no key carries over.
   */
  private static Optional<ConfigMap> asConfigVersion(NginxConfigMap configMap) {
    Map<String, String> data = new TreeMap<>();
    configMap.data().forEach((key, value) -> {
      Optional<Entry> entry = IngressNginx.configKey(key);
      if (entry.isPresent() && entry.get().status().applied()) {
        Catalog.ALL.stream().filter(s -> key.equals(s.key())).findFirst()
            .filter(setting -> check(setting, value).isEmpty())
            .ifPresent(setting -> data.put(key, value));
      }
    });
    if (data.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ConfigMapBuilder().withNewMetadata()
        .withNamespace(ResourceStore.DEFAULT_NAMESPACE)
        .withName(ConfigFamily.DEFAULT_NAME + "-from-ingress-nginx")
        .addToLabels(ConfigFamily.CONFIG_LABEL, ConfigFamily.DEFAULT_NAME)
        .addToLabels(ConfigFamily.VERSION_LABEL, "1").endMetadata()
        .withImmutable(true).withData(data).build());
  }

  private static Ingress asOurs(Ingress ingress) {
    IngressBuilder copy = new IngressBuilder(ingress);
    if (ingress.getMetadata().getAnnotations() != null) {
      copy.editMetadata().removeFromAnnotations(IngressClassSelection.CLASS_ANNOTATION)
          .endMetadata();
    }
    if (ingress.getSpec() != null) {
      copy.editSpec().withIngressClassName(IngressClassSelection.DEFAULT_CLASS).endSpec();
    }
    return copy.build();
  }

  private static String nameOf(Ingress ingress) {
    return ResourceStore.namespaceOf(ingress) + "/" + ingress.getMetadata().getName();
  }
}
