package dev.bollard.controller.translate;

import dev.bollard.controller.settings.ConfigVersion;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.HeaderMaps;
import dev.bollard.proxy.step.HeaderTemplates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The global config's {@code proxy-set-headers} and {@code add-headers}: each names a ConfigMap
 * ({@code namespace/name}) whose entries are headers set on every upstream request or client
 * response. The ConfigMaps are read each time a snapshot is built, so that editing one takes
 * effect like editing an Ingress (the cluster source watches the ConfigMaps these keys name in
 * any version of the config family: {@link #KEYS}).
 *
 * <p>A missing ConfigMap is a problem naming the config version, the key and the ConfigMap, and
 * its headers are not applied; a bad entry (header name, a header Bollard owns such as {@code
 * Host}, a control character, an unknown variable) is a problem naming the ConfigMap, the key and
 * the entry, and only that entry is left out. Requests are still served either way, as
 * ingress-nginx does (it logs the error and renders no such headers); there is no fail-closed
 * switch as for {@code custom-headers}, whose ingress-nginx behaviour is to deny.
 */
public final class GlobalHeaderMaps {

  static final String PROXY_SET_HEADERS = "proxy-set-headers";
  static final String ADD_HEADERS = "add-headers";

  /** The config keys that name a ConfigMap read when the snapshot is built. */
  public static final List<String> KEYS = List.of(PROXY_SET_HEADERS, ADD_HEADERS);

  private GlobalHeaderMaps() {}

  /**
   * {@code settings} with the entries of the ConfigMaps its header keys name.
   *
   * @param version the config version in force ({@code null}: only defaults, which name none)
   */
  static GlobalSettings resolve(GlobalSettings settings, @Nullable ConfigVersion version,
      ResourceStore store, List<Problem> problems) {
    HeaderMaps maps = settings.headerMaps();
    if (maps.requestMap().isEmpty() && maps.responseMap().isEmpty()) {
      return settings;
    }
    String where = version == null ? "global config" : version.toString();
    Map<String, String> request = entries(store, maps.requestMap(), PROXY_SET_HEADERS,
        "sent upstream", where, problems);
    Map<String, String> response = entries(store, maps.responseMap(), ADD_HEADERS,
        "added to responses", where, problems);
    return settings.toBuilder().headerMaps(maps.resolved(request, response)).build();
  }

  private static Map<String, String> entries(ResourceStore store, String ref, String key,
      String effect, String where, List<Problem> problems) {
    if (ref.isEmpty()) {
      return Map.of();
    }
    int slash = ref.indexOf('/');
    Optional<ConfigMap> map = store.configMap(ref.substring(0, slash), ref.substring(slash + 1));
    if (map.isEmpty()) {
      problems.add(new Problem(where, key, "ConfigMap " + ref + " does not exist (or is outside"
          + " the watched namespaces); its headers are not " + effect + " until it does. Create"
          + " it or fix " + key + "."));
      return Map.of();
    }
    Map<String, String> data = map.get().getData();
    Map<String, String> out = new TreeMap<>();
    if (data == null) {
      return out;
    }
    new TreeMap<>(data).forEach((name, value) -> {
      String v = value == null ? "" : value;
      try {
        HeaderTemplates.setAll(Map.of(name, v));
        out.put(name, v);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(where, key, "ConfigMap " + ref + ", entry " + name + ": "
            + e.getMessage() + "; this header is not " + effect + ". Fix the entry."));
      }
    });
    return out;
  }
}
