package dev.bollard.controller.settings;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.GlobalSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the active version of a config family: a pure function of the store and of what was
 * in force before ({@link History}), answering a {@link Verdict}.
 *
 * <p>The active version is the highest one that validates, or exactly the pinned one. A version
 * that fails validation is refused as a whole. When no version validates (or the pinned one is
 * missing or refused) the settings last in force stay in force; with none ever in force, the key
 * defaults apply. A ConfigMap whose content changes under the same name was edited in place: it
 * is validated again and a warning says to create a new version instead.
 *
 * <p>Reports are transitions, not repeats: the verdict lists a {@link Report} when the active
 * version changes, when a version (or a new edit of it) is refused, and for each new warning. This
 * class logs nothing and writes nothing; whoever hears the published result does
 * ({@code publish.ConfigReportLog}, {@code kube.ConfigEvents}).
 *
 * @param family the family to follow
 * @param pin the version to use, or -1 for the highest valid one
 * @param defaults what a key a version leaves out resolves to: the flags' values (resolved here,
 *     once per rebuild, so the data plane reads final values)
 */
public record GlobalConfig(ConfigFamily family, long pin, SettingValues defaults) {

  /** Following {@code family} with the declared defaults of every key (no flags given). */
  public GlobalConfig(ConfigFamily family, long pin) {
    this(family, pin, SettingValues.DEFAULTS);
  }

  /**
   * What carries from one resolution to the next: the settings last in force and what was already
   * reported. Immutable; each {@link Verdict} holds the next one.
   *
   * @param lastActive the version last in force, or {@code null}
   * @param lastSettings its settings, or {@code null} when none was ever in force
   * @param contentByName each version's content as last seen, to notice edits in place
   * @param reported the keys of transitions already reported
   */
  public record History(
      @Nullable ConfigVersion lastActive,
      @Nullable GlobalSettings lastSettings,
      Map<String, Map<String, String>> contentByName,
      Set<String> reported) {

    /** Before the first resolution. */
    public static final History EMPTY = new History(null, null, Map.of(), Set.of());

    public History {
      contentByName = Map.copyOf(contentByName);
      reported = Set.copyOf(reported);
    }
  }

  /**
   * The config part of a translation: what is in force, what to report, what to remember.
   *
   * @param state the version in force and the versions refused, with their errors
   * @param reports transitions since {@code history}, in the order they happened
   * @param next the history to pass to the next resolution
   */
  public record Verdict(ConfigState state, List<Report> reports, History next) {

    public Verdict {
      reports = List.copyOf(reports);
    }

    /** The key defaults of the default family, for results that never read a config. */
    public static Verdict none() {
      return new Verdict(
          new ConfigState(
              new ConfigFamily(ResourceStore.DEFAULT_NAMESPACE, ConfigFamily.DEFAULT_NAME),
              -1, null, Catalog.global(SettingValues.DEFAULTS), List.of(), "not read"),
          List.of(), History.EMPTY);
    }
  }

  /** A transition worth one log line and, in a cluster, one Event on the ConfigMap. */
  public sealed interface Report {

    /** The family it concerns. */
    ConfigFamily family();

    /** Whether it deserves a WARN line and a {@code Warning} Event. */
    boolean isWarning();

    /** The log line's text after {@code Global config FAMILY: }. */
    String text();

    /** A version became active ({@code previous} was before, or {@code null}). */
    record Activated(ConfigFamily family, ConfigVersion version, @Nullable ConfigVersion previous)
        implements Report {
      @Override
      public boolean isWarning() {
        return false;
      }

      @Override
      public String text() {
        return "now serving " + version + (previous == null ? "" : " (was " + previous + ")");
      }
    }

    /** A version was refused (reported once per content of that ConfigMap). */
    record Refused(ConfigFamily family, ConfigValidation refusal) implements Report {
      @Override
      public boolean isWarning() {
        return true;
      }

      @Override
      public String text() {
        return "refused " + refusal.version() + ": " + String.join("; ", refusal.errors());
      }
    }

    /** A version has something worth a warning (reported once per content). */
    record Warned(ConfigFamily family, ConfigVersion version, String warning) implements Report {
      @Override
      public boolean isWarning() {
        return true;
      }

      @Override
      public String text() {
        return version + ": " + warning;
      }
    }

    /**
     * No version is in force and why; a warning unless the family simply has no versions.
     * Concerns no ConfigMap, so it is only logged.
     */
    record Unresolved(ConfigFamily family, String note, boolean isWarning) implements Report {
      @Override
      public String text() {
        return note;
      }
    }
  }

  /** Reads the family's versions from the store and chooses the active one. Pure. */
  public Verdict resolve(ResourceStore store, History history) {
    List<Report> reports = new ArrayList<>();
    Set<String> reported = new HashSet<>(history.reported());
    Map<String, Map<String, String>> contentByName = new HashMap<>();
    List<ConfigValidation> all = new ArrayList<>();
    for (ConfigMap map : store.configMaps()) {
      Map<String, String> labels = map.getMetadata().getLabels();
      if (!ResourceStore.namespaceOf(map).equals(family.namespace())
          || labels == null
          || !family.name().equals(labels.get(ConfigFamily.CONFIG_LABEL))) {
        continue;
      }
      ConfigValidation v = ConfigValidation.of(map, defaults);
      String name = map.getMetadata().getName();
      Map<String, String> content = content(map);
      contentByName.put(name, content);
      Map<String, String> before = history.contentByName().get(name);
      if (before != null && !before.equals(content)) {
        warnOnce(reports, reported, v.version(), content,
            "edited in place and validated again; versions are meant to be immutable: create"
                + " the next version instead of editing this one");
      }
      for (String w : v.warnings()) {
        warnOnce(reports, reported, v.version(), content, w);
      }
      all.add(v);
    }
    all.sort(
        Comparator.comparingLong((ConfigValidation v) -> v.version().version())
            .reversed()
            .thenComparing(v -> v.version().configMap()));
    all = refuseDuplicates(all);

    List<ConfigValidation> refused = new ArrayList<>();
    ConfigValidation chosen = null;
    for (ConfigValidation v : all) {
      if (!v.valid()) {
        refused.add(v);
        String key = "refused:" + v.version().configMap() + ":"
            + contentByName.get(v.version().configMap());
        if (reported.add(key)) {
          reports.add(new Report.Refused(family, v));
        }
      } else if (chosen == null && (pin < 0 || v.version().version() == pin)) {
        chosen = v;
      }
    }

    String note = "";
    @Nullable ConfigVersion active;
    GlobalSettings settings;
    @Nullable ConfigVersion lastActive = history.lastActive();
    @Nullable GlobalSettings lastSettings = history.lastSettings();
    if (chosen != null) {
      active = chosen.version();
      settings = Objects.requireNonNull(chosen.settings());
      if (!Objects.equals(active, lastActive)) {
        reports.add(new Report.Activated(family, active, lastActive));
      }
      lastActive = active;
      lastSettings = settings;
      reported.removeIf(k -> k.startsWith("note:"));
    } else {
      String why =
          pin >= 0
              ? "pinned version " + pin + " is " + (hasVersion(all, pin) ? "refused" : "missing")
              : all.isEmpty()
                  ? "no ConfigMap in " + family.namespace() + " is labelled "
                      + family.labelSelector()
                  : "every version is refused";
      if (lastSettings != null) {
        active = lastActive;
        settings = lastSettings;
        note = why + "; still serving the settings last in force";
      } else {
        active = null;
        settings = Catalog.global(defaults);
        note = why + "; serving the key defaults";
      }
      if (reported.add("note:" + note)) {
        reports.add(new Report.Unresolved(family, note, !(all.isEmpty() && pin < 0)));
      }
    }
    return new Verdict(
        new ConfigState(family, pin, active, settings, refused, note),
        reports,
        new History(lastActive, lastSettings, contentByName, reported));
  }

  private static boolean hasVersion(List<ConfigValidation> all, long version) {
    return all.stream().anyMatch(v -> v.version().version() == version);
  }

  /** Two ConfigMaps claiming one number: the first by name keeps it, the others are refused. */
  private static List<ConfigValidation> refuseDuplicates(List<ConfigValidation> sorted) {
    List<ConfigValidation> out = new ArrayList<>();
    Map<Long, String> owners = new HashMap<>();
    for (ConfigValidation v : sorted) {
      long n = v.version().version();
      String owner = n < 0 ? null : owners.putIfAbsent(n, v.version().configMap());
      if (owner != null) {
        List<String> errors = new ArrayList<>(v.errors());
        errors.add(
            "label " + ConfigFamily.VERSION_LABEL + ": version " + n
                + " is already ConfigMap " + owner + "; give each version its own number");
        out.add(new ConfigValidation(v.version(), null, errors, v.warnings()));
      } else {
        out.add(v);
      }
    }
    return out;
  }

  private void warnOnce(List<Report> reports, Set<String> reported, ConfigVersion version,
      Map<String, String> content, String warning) {
    if (reported.add("warn:" + version.configMap() + ":" + content + ":" + warning)) {
      reports.add(new Report.Warned(family, version, warning));
    }
  }

  private static Map<String, String> content(ConfigMap map) {
    Map<String, String> c = new HashMap<>();
    if (map.getData() != null) {
      map.getData().forEach((k, v) -> c.put("data." + k, v));
    }
    Map<String, String> labels = map.getMetadata().getLabels();
    if (labels != null && labels.get(ConfigFamily.VERSION_LABEL) != null) {
      c.put("version", labels.get(ConfigFamily.VERSION_LABEL));
    }
    return Map.copyOf(c);
  }
}
