package dev.bollard.controller.settings;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.GlobalSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The validation of one config version: the final settings it describes, or every reason it is
 * refused.
 *
 * @param version which ConfigMap and version number
 * @param settings the settings, or {@code null} when refused
 * @param errors every invalid key or label, with what was expected; empty when valid
 * @param warnings what is accepted but suspicious (unknown keys)
 */
public record ConfigValidation(
    ConfigVersion version,
    @Nullable GlobalSettings settings,
    List<String> errors,
    List<String> warnings) {

  public ConfigValidation {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** Whether this version may be used. */
  public boolean valid() {
    return settings != null;
  }

  /**
   * Validates a ConfigMap as a version, over {@link SettingValues#DEFAULTS}.
   *
   * @see #of(ConfigMap, SettingValues)
   */
  public static ConfigValidation of(ConfigMap map) {
    return of(map, SettingValues.DEFAULTS);
  }

  /**
   * Validates a ConfigMap as a version: its version label, then every key, resolved over {@code
   * defaults} (the flags' values, so a key the version leaves out keeps its flag's value). Pure:
   * the same map and defaults always give the same result, whatever the map's order.
   */
  public static ConfigValidation of(ConfigMap map, SettingValues defaults) {
    String namespace = ResourceStore.namespaceOf(map);
    String name = map.getMetadata().getName();
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    long number = -1;
    Map<String, String> labels = map.getMetadata().getLabels();
    String label = labels == null ? null : labels.get(ConfigFamily.VERSION_LABEL);
    if (label == null) {
      errors.add("label " + ConfigFamily.VERSION_LABEL + ": missing (expected: an integer >= 0)");
    } else if (!label.trim().matches("\\d{1,18}")) {
      errors.add(
          "label " + ConfigFamily.VERSION_LABEL + ": " + ValueParsers.quote(label)
              + " is not a version number (expected: an integer >= 0)");
    } else {
      number = Long.parseLong(label.trim());
    }
    SettingValues values = defaults;
    Map<String, String> data = map.getData() == null ? Map.of() : new TreeMap<>(map.getData());
    for (Map.Entry<String, String> e : data.entrySet()) {
      var key = ConfigKeys.find(e.getKey());
      if (key.isEmpty()) {
        warnings.add("key " + e.getKey() + ": unknown, ignored (see the key table in the README)");
        continue;
      }
      try {
        values = parsedInto(values, key.get(), e.getValue() == null ? "" : e.getValue());
      } catch (IllegalArgumentException ex) {
        errors.add("key " + e.getKey() + ": " + ex.getMessage());
      }
    }
    if (map.getBinaryData() != null) {
      for (String k : new TreeMap<>(map.getBinaryData()).keySet()) {
        warnings.add("binaryData " + k + ": ignored (settings are read from data)");
      }
    }
    GlobalSettings settings = null;
    if (errors.isEmpty()) {
      try {
        settings = Catalog.global(values);
      } catch (IllegalArgumentException ex) {
        errors.add(ex.getMessage());
      }
    }
    return new ConfigValidation(
        new ConfigVersion(namespace, name, number), settings, errors, warnings);
  }

  private static <T> SettingValues parsedInto(
      SettingValues values, Setting<T> setting, String value) {
    return values.with(setting, setting.parse(value));
  }
}
