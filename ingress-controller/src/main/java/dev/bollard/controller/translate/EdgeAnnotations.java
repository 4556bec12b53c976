package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteEdge;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.step.UpstreamRefused;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An Ingress's edge annotations, turned into the {@link RouteEdge} of its routes.
 *
 * <ul>
 *   <li>{@code bollard.dev/log-capture-headers}, {@code bollard.dev/log-capture-prefixes}
 *       (comma-separated, as the global keys), {@code bollard.dev/log-keep-captured-headers};
 *   <li>{@code bollard.dev/request-headers}, {@code bollard.dev/response-headers}: header rules,
 *       one per line ({@code set Name: value}, {@code add Name: value}, {@code clear Name});
 *   <li>{@code nginx.ingress.kubernetes.io/custom-headers}: a ConfigMap ({@code name} in the
 *       Ingress's namespace, or {@code namespace/name}) whose entries are set on responses.
 * </ul>
 *
 * <p>A bad annotation is reported as a problem and ignored; the Ingress is still served. Except,
 * with the config's {@code bollard-custom-headers-fail-closed}, a {@code custom-headers}
 * ConfigMap that is missing or holds a bad header name: the Ingress's routes then answer 503 (an
 * {@link UpstreamRefused} step), as ingress-nginx denies such locations.
 */
public final class EdgeAnnotations {

  static final String BOLLARD = "bollard.dev/";
  static final String CUSTOM_HEADERS = "nginx.ingress.kubernetes.io/custom-headers";

  private final ResourceStore store;
  private final List<Problem> problems;
  private final boolean customHeadersFailClosed;
  private final Map<RouteSource, RouteEdge> bySource = new HashMap<>();
  /** Ingresses whose routes answer 503 because of their {@code custom-headers}, and why. */
  private final Map<RouteSource, String> refused = new HashMap<>();
  private @Nullable Map<RouteSource, Ingress> ingresses;

  EdgeAnnotations(ResourceStore store, List<Problem> problems, boolean customHeadersFailClosed) {
    this.store = store;
    this.problems = problems;
    this.customHeadersFailClosed = customHeadersFailClosed;
  }

  /** The route with its Ingress's edge settings. */
  Route apply(Route route) {
    RouteEdge edge = bySource.computeIfAbsent(route.source(), this::resolve);
    Route out = edge.equals(RouteEdge.NONE)
        ? route
        : new Route(route.path(), route.backend(), route.source(), route.auth(), edge);
    String why = refused.get(route.source());
    return why == null ? out : out.withFeatures(List.of(new UpstreamRefused(why)));
  }

  private RouteEdge resolve(RouteSource source) {
    if (ingresses == null) {
      Map<RouteSource, Ingress> m = new HashMap<>();
      store.ingresses().forEach(i -> m.put(CheckedIngress.sourceOf(i), i));
      ingresses = m;
    }
    Ingress ingress = ingresses.get(source);
    if (ingress == null || ingress.getMetadata().getAnnotations() == null) {
      return RouteEdge.NONE;
    }
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    CaptureRules capture = CaptureRules.NONE;
    String headers = a.get(BOLLARD + "log-capture-headers");
    String prefixes = a.get(BOLLARD + "log-capture-prefixes");
    String keep = a.get(BOLLARD + "log-keep-captured-headers");
    if (headers != null || prefixes != null || keep != null) {
      try {
        capture = CaptureRules.parse(list(headers), list(prefixes), "true".equals(
            keep == null ? null : keep.strip()));
      } catch (IllegalArgumentException e) {
        report(source, "log-capture-headers", e.getMessage());
      }
    }
    List<HeaderRules.Rule> request = rules(source, a, "request-headers");
    List<HeaderRules.Rule> response = new ArrayList<>(customHeaders(source, ingress));
    response.addAll(rules(source, a, "response-headers"));
    return new RouteEdge(capture, new HeaderRules(request, response));
  }

  private List<HeaderRules.Rule> rules(RouteSource source, Map<String, String> a, String name) {
    String text = a.get(BOLLARD + name);
    if (text == null || text.isBlank()) {
      return List.of();
    }
    try {
      return HeaderRules.parseLines(text);
    } catch (IllegalArgumentException e) {
      report(source, name, e.getMessage());
      return List.of();
    }
  }

  /**
   * The {@code namespace/name} of the ConfigMap an Ingress's {@code custom-headers} annotation
   * names (a bare name is in the Ingress's namespace), or empty when it names none.
   */
  public static Optional<String> customHeadersReference(Ingress ingress) {
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    String ref = a == null ? null : a.get(CUSTOM_HEADERS);
    if (ref == null || ref.isBlank()) {
      return Optional.empty();
    }
    String r = ref.strip();
    return Optional.of(r.contains("/") ? r : ResourceStore.namespaceOf(ingress) + "/" + r);
  }

  private List<HeaderRules.Rule> customHeaders(RouteSource source, Ingress ingress) {
    Optional<String> ref = customHeadersReference(ingress);
    if (ref.isEmpty()) {
      return List.of();
    }
    String key = ref.get();
    int slash = key.indexOf('/');
    Optional<ConfigMap> map = store.configMap(key.substring(0, slash), key.substring(slash + 1));
    if (map.isEmpty()) {
      customHeadersFailed(source, "ConfigMap " + key + " does not exist (or is outside the"
          + " watched namespaces)", "Create it or fix the annotation.");
      return List.of();
    }
    Map<String, String> data = map.get().getData();
    try {
      return HeaderRules.setAll(data == null ? Map.of() : data);
    } catch (IllegalArgumentException e) {
      customHeadersFailed(source, "ConfigMap " + key + ": " + e.getMessage(),
          "Fix the ConfigMap.");
      return List.of();
    }
  }

  /**
   * The Ingress's {@code custom-headers} cannot be applied ({@code what}): a problem, and with
   * {@code bollard-custom-headers-fail-closed} its routes answer 503.
   */
  private void customHeadersFailed(RouteSource source, String what, String todo) {
    String effect;
    if (customHeadersFailClosed) {
      refused.put(source, "custom-headers of Ingress " + source.namespace() + "/" + source.name()
          + " cannot be applied");
      effect = "the Ingress's routes answer 503 (bollard-custom-headers-fail-closed), as with"
          + " ingress-nginx.";
    } else {
      effect = "no custom headers are added; the Ingress is served without them (ingress-nginx"
          + " would answer 503; bollard-custom-headers-fail-closed: \"true\" does too).";
    }
    problems.add(new Problem(source, "metadata.annotations[" + CUSTOM_HEADERS + "]",
        what + "; " + effect + " " + todo));
  }

  private void report(RouteSource source, String annotation, String message) {
    problems.add(new Problem(source, "metadata.annotations[" + BOLLARD + annotation + "]",
        message + "; the annotation is ignored. Fix its value."));
  }

  private static List<String> list(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }
}
