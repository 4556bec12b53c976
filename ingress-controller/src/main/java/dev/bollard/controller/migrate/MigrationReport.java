package dev.bollard.controller.migrate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code bollard migrate} says: per Ingress its annotations and other problems, the keys
 * of ingress-nginx's ConfigMap if one was given, and the problems of no single Ingress.
 *
 * @param ingresses by namespace and name
 * @param configMap ingress-nginx's ConfigMap, or {@code null} when none was given
 * @param otherProblems problems of files or other resources (one line each)
 */
public record MigrationReport(
    List<IngressVerdict> ingresses, @Nullable ConfigMapVerdict configMap,
    List<String> otherProblems) {

  public MigrationReport {
    ingresses = List.copyOf(ingresses);
    otherProblems = List.copyOf(otherProblems);
  }

  /**
   * One annotation or ConfigMap key.
   *
   * @param key the full annotation key or the ConfigMap key
   * @param value its value as written
   * @param outcome what happens to it
   * @param note the table's note (the difference, the reason), or empty
   * @param issue the issue that will add it ({@link Outcome#PLANNED}), else 0
   * @param problems what translation reported about it (a refused snippet directive, a bad
   *     value), each a sentence saying what to do
   */
  public record Verdict(
      String key, String value, Outcome outcome, String note, int issue, List<String> problems) {
    public Verdict {
      problems = List.copyOf(problems);
    }
  }

  /**
   * One Ingress.
   *
   * @param name {@code namespace/name}
   * @param annotations its annotations of ingress-nginx, by key
   * @param problems its other problems ({@code field: message})
   */
  public record IngressVerdict(String name, List<Verdict> annotations, List<String> problems) {
    public IngressVerdict {
      annotations = List.copyOf(annotations);
      problems = List.copyOf(problems);
    }

    /** Whether anything about it would behave differently under Bollard. */
    public boolean changesBehaviour() {
      return !problems.isEmpty() || annotations.stream().anyMatch(v -> v.outcome()
          .changesBehaviour());
    }
  }

  /**
   * ingress-nginx's controller ConfigMap.
   *
   * @param name where it came from ({@code namespace/name} or the file)
   * @param keys its keys, sorted
   */
  public record ConfigMapVerdict(String name, List<Verdict> keys) {
    public ConfigMapVerdict {
      keys = List.copyOf(keys);
    }
  }

  /** Whether anything would behave differently under Bollard: the exit code's question. */
  public boolean changesBehaviour() {
    return !otherProblems.isEmpty()
        || ingresses.stream().anyMatch(IngressVerdict::changesBehaviour)
        || (configMap != null
            && configMap.keys().stream().anyMatch(v -> v.outcome().changesBehaviour()));
  }

  /** How many annotations of each outcome, over all Ingresses. */
  public Map<Outcome, Integer> annotationCounts() {
    Map<Outcome, Integer> n = new EnumMap<>(Outcome.class);
    ingresses.forEach(i -> i.annotations().forEach(v -> n.merge(v.outcome(), 1, Integer::sum)));
    return n;
  }

  /** How many ConfigMap keys of each outcome. */
  public Map<Outcome, Integer> configKeyCounts() {
    Map<Outcome, Integer> n = new EnumMap<>(Outcome.class);
    if (configMap != null) {
      configMap.keys().forEach(v -> n.merge(v.outcome(), 1, Integer::sum));
    }
    return n;
  }

  /** Problems of Ingresses beside their annotations. */
  public int ingressProblemCount() {
    return ingresses.stream().mapToInt(i -> i.problems().size()).sum();
  }
}
