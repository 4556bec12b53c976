package dev.bollard.proxy.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * ingress-nginx's global header keys: {@code proxy-set-headers} and {@code add-headers} name
 * ConfigMaps whose entries are set on every request sent upstream and on every response to
 * clients; {@code hide-headers} lists headers not passed from upstreams to clients. The config
 * version gives the references; the control plane reads the ConfigMaps each time it builds a
 * snapshot and fills {@code request} and {@code response} with their valid entries, so an edit
 * of a referenced ConfigMap takes effect like an edit of an Ingress. Values may hold nginx
 * variables, expanded per request (the steps compile them).
 *
 * @param requestMap {@code namespace/name} of the {@code proxy-set-headers} ConfigMap, or empty
 * @param responseMap {@code namespace/name} of the {@code add-headers} ConfigMap, or empty
 * @param hidden {@code hide-headers}: names removed from upstream responses
 * @param request the entries of {@code requestMap} as resolved (name to value), sorted by name
 * @param response the entries of {@code responseMap} as resolved, sorted by name
 */
public record HeaderMaps(String requestMap, String responseMap, List<String> hidden,
    Map<String, String> request, Map<String, String> response) {

  /** No global header maps. */
  public static final HeaderMaps NONE = new HeaderMaps("", "", List.of(), Map.of(), Map.of());

  public HeaderMaps {
    Objects.requireNonNull(requestMap, "requestMap");
    Objects.requireNonNull(responseMap, "responseMap");
    hidden = List.copyOf(hidden);
    request = java.util.Collections.unmodifiableMap(new TreeMap<>(request));
    response = java.util.Collections.unmodifiableMap(new TreeMap<>(response));
  }

  /** These references and hidden names with the entries read from the referenced ConfigMaps. */
  public HeaderMaps resolved(Map<String, String> requestEntries,
      Map<String, String> responseEntries) {
    return new HeaderMaps(requestMap, responseMap, hidden, requestEntries, responseEntries);
  }
}
