package dev.bollard.controller.settings;

/**
 * A named config whose versions are ConfigMaps in one namespace.
 *
 * @param namespace where the version ConfigMaps live
 * @param name the value of their {@value #CONFIG_LABEL} label
 */
public record ConfigFamily(String namespace, String name) {

  /** The label naming the family a ConfigMap is a version of. */
  public static final String CONFIG_LABEL = "bollard.dev/config";

  /** The label holding a version's number (a non-negative integer). */
  public static final String VERSION_LABEL = "bollard.dev/config-version";

  /** The family name when none is given. */
  public static final String DEFAULT_NAME = "bollard";

  public ConfigFamily {
    if (namespace.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException(
          "config: " + namespace + "/" + name + " (expected: NAMESPACE/NAME)");
    }
  }

  /**
   * Parses {@code NAMESPACE/NAME}, or {@code NAME} alone in {@code defaultNamespace}.
   *
   * @throws IllegalArgumentException if the text is not of that form
   */
  public static ConfigFamily parse(String text, String defaultNamespace) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      return new ConfigFamily(defaultNamespace, t);
    }
    if (t.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "config: " + text + " (expected: NAMESPACE/NAME or NAME)");
    }
    return new ConfigFamily(t.substring(0, slash), t.substring(slash + 1));
  }

  /** The label selector that finds the versions: {@code bollard.dev/config=NAME}. */
  public String labelSelector() {
    return CONFIG_LABEL + "=" + name;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
