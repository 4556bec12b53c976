package dev.bollard.controller.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ConfigMap keys: the settings of the {@link Catalog} that have one, looked up by name and
 * documented in the README's key table ({@link #markdownTable()}; a test keeps the two equal).
 */
public final class ConfigKeys {

  /** The settings a ConfigMap can set, in documentation order. */
  public static final List<Setting<?>> ALL =
      Catalog.ALL.stream().filter(s -> s.key() != null).toList();

  private static final Map<String, Setting<?>> BY_NAME;

  static {
    Map<String, Setting<?>> m = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      m.put(s.key(), s);
    }
    BY_NAME = Map.copyOf(m);
  }

  private ConfigKeys() {}

  /** The setting of that ConfigMap key. */
  public static Optional<Setting<?>> find(String key) {
    return Optional.ofNullable(BY_NAME.get(key));
  }

  /** The documentation table of every key, in Markdown, as the README shows it. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | value | default | meaning | applied to |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      sb.append("| `").append(s.key()).append("` | ")
          .append(s.type().toLowerCase(Locale.ROOT))
          .append(" | ");
      if (s.flag() != null) {
        sb.append("`").append(s.flag()).append("` (`").append(s.defaultValue()).append("`)");
      } else if (s.defaultValue() == null || s.defaultValue().isEmpty()) {
        sb.append("unset");
      } else {
        sb.append("`").append(s.defaultValue()).append("`");
      }
      sb.append(" | ").append(s.description()).append(" | ").append(s.applied().text())
          .append(" |\n");
    }
    return sb.toString();
  }
}
