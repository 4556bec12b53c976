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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the active version of a config family at every rebuild, and reports what changed.
 *
 * <p>The active version is the highest one that validates, or exactly the pinned one. A version
 * that fails validation is refused as a whole. When no version validates (or the pinned one is
 * missing or refused) the settings last in force stay in force; with none ever in force, the key
 * defaults apply. A ConfigMap whose content changes under the same name was edited in place:
 * it is validated again and a warning says to create a new version instead.
 *
 * <p>Reports are transitions, not repeats: a log line and a {@link Listener} call when the active
 * version changes, when a version (or a new edit of it) is refused, and for each new warning. Meant
 * for the rebuild thread; {@link #state()} may be read from any thread.
 */
public final class GlobalConfig {

  private static final Logger log = LoggerFactory.getLogger(GlobalConfig.class);

  /** Hears about config changes, e.g. to write Kubernetes Events on the ConfigMaps. */
  public interface Listener {
    /** A version became active. */
    default void activated(ConfigVersion version) {}

    /** A version was refused (reported once per content of that ConfigMap). */
    default void refused(ConfigValidation refusal) {}

    /** A version has something worth a warning (reported once per content). */
    default void warned(ConfigVersion version, String warning) {}
  }

  private final ConfigFamily family;
  private final long pin;
  private final SettingValues defaults;
  private final Listener listener;
  private final Map<String, Map<String, String>> contentByName = new HashMap<>();
  private final Set<String> reported = new HashSet<>();
  private @Nullable ConfigVersion lastActive;
  private @Nullable GlobalSettings lastSettings;
  private volatile ConfigState state;

  /**
   * @param family the family to follow
   * @param pin the version to use, or -1 for the highest valid one
   * @param listener told about transitions (on the calling thread)
   */
  public GlobalConfig(ConfigFamily family, long pin, Listener listener) {
    this(family, pin, SettingValues.DEFAULTS, listener);
  }

  /**
   * @param family the family to follow
   * @param pin the version to use, or -1 for the highest valid one
   * @param defaults what a key a version leaves out resolves to: the flags' values
   * @param listener told about transitions (on the calling thread)
   */
  public GlobalConfig(ConfigFamily family, long pin, SettingValues defaults, Listener listener) {
    this.family = family;
    this.pin = pin;
    this.defaults = defaults;
    this.listener = listener;
    this.state =
        new ConfigState(family, pin, null, Catalog.global(defaults), List.of(), "not read yet");
  }

  /** The state after the last {@link #resolve}. */
  public ConfigState state() {
    return state;
  }

  /** The family followed. */
  public ConfigFamily family() {
    return family;
  }

  /** Reads the family's versions from the store, chooses the active one and reports changes. */
  public ConfigState resolve(ResourceStore store) {
    List<ConfigMap> maps = new ArrayList<>();
    for (ConfigMap map : store.configMaps()) {
      Map<String, String> labels = map.getMetadata().getLabels();
      if (ResourceStore.namespaceOf(map).equals(family.namespace())
          && labels != null
          && family.name().equals(labels.get(ConfigFamily.CONFIG_LABEL))) {
        maps.add(map);
      }
    }
    List<ConfigValidation> all = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (ConfigMap map : maps) {
      ConfigValidation v = ConfigValidation.of(map, defaults);
      String name = map.getMetadata().getName();
      present.add(name);
      Map<String, String> content = content(map);
      Map<String, String> before = contentByName.put(name, content);
      if (before != null && !before.equals(content)) {
        warnOnce(
            v.version(),
            content,
            "edited in place and validated again; versions are meant to be immutable: create"
                + " the next version instead of editing this one");
      }
      for (String w : v.warnings()) {
        warnOnce(v.version(), content, w);
      }
      all.add(v);
    }
    contentByName.keySet().retainAll(present);
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
        refuseOnce(v, contentByName.get(v.version().configMap()));
      } else if (chosen == null && (pin < 0 || v.version().version() == pin)) {
        chosen = v;
      }
    }

    String note = "";
    ConfigVersion active;
    GlobalSettings settings;
    if (chosen != null) {
      active = chosen.version();
      settings = Objects.requireNonNull(chosen.settings());
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
        if (all.isEmpty() && pin < 0) {
          log.info("Global config {}: {}", family, note);
        } else {
          log.warn("Global config {}: {}", family, note);
        }
      }
    }
    if (chosen != null && !Objects.equals(active, lastActive)) {
      log.info(
          "Global config {}: now serving {}{}",
          family,
          active,
          lastActive == null ? "" : " (was " + lastActive + ")");
      listener.activated(active);
    }
    if (chosen != null) {
      lastActive = active;
      lastSettings = settings;
      reported.removeIf(k -> k.startsWith("note:"));
    }
    ConfigState next = new ConfigState(family, pin, active, settings, refused, note);
    state = next;
    return next;
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

  private void refuseOnce(ConfigValidation v, @Nullable Map<String, String> content) {
    if (reported.add("refused:" + v.version().configMap() + ":" + content)) {
      log.warn(
          "Global config {}: refused {}: {}",
          family,
          v.version(),
          String.join("; ", v.errors()));
      listener.refused(v);
    }
  }

  private void warnOnce(ConfigVersion version, Map<String, String> content, String warning) {
    if (reported.add("warn:" + version.configMap() + ":" + content + ":" + warning)) {
      log.warn("Global config {}: {}: {}", family, version, warning);
      listener.warned(version, warning);
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
