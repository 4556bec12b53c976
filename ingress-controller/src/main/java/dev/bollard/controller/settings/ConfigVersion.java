package dev.bollard.controller.settings;

/**
 * One ConfigMap of a config family.
 *
 * @param namespace the ConfigMap's namespace
 * @param configMap the ConfigMap's name
 * @param version its {@value ConfigFamily#VERSION_LABEL} number, or -1 when the label is missing
 *     or not a number
 */
public record ConfigVersion(String namespace, String configMap, long version) {

  /** How logs and refusals name it: {@code ConfigMap ns/name (version N)}. */
  @Override
  public String toString() {
    return "ConfigMap " + namespace + "/" + configMap
        + (version >= 0 ? " (version " + version + ")" : "");
  }
}
