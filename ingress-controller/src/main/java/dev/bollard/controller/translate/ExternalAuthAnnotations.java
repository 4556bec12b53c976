package dev.bollard.controller.translate;

import dev.bollard.controller.settings.ValueParsers;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.GlobalAuth;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.ExternalAuth;
import dev.bollard.proxy.step.UpstreamRefused;
import dev.bollard.proxy.step.VariableTemplate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's external authentication: the {@code auth-url} annotations of an Ingress, read
 * together into one {@link ExternalAuth} step for its routes, or else the ConfigMap's {@code
 * global-auth-*} keys (same rules) unless the Ingress says {@code enable-global-auth: "false"}.
 * A class of its own because {@code auth-proxy-set-headers} names a ConfigMap.
 *
 * <p>A bad value fails closed, as ingress-nginx's "location denied" does: the Ingress's routes
 * answer 503 ({@link UpstreamRefused}) and a {@link Problem} names the annotation, the value and
 * what to do; authentication left out would open the routes. {@code auth-snippet} is never run:
 * the ingress-nginx table refuses it ({@link UnhonouredAnnotations} reports it); the rest
 * applies. The {@code auth-keepalive*} annotations need nothing: connections to the auth service
 * are always pooled and kept alive (the table calls them ignored).
 */
public final class ExternalAuthAnnotations {

  static final String PREFIX = RedirectAnnotations.PREFIX;
  static final String URL = "auth-url";
  static final String METHOD = "auth-method";
  static final String SIGNIN = "auth-signin";
  static final String SIGNIN_REDIRECT_PARAM = "auth-signin-redirect-param";
  static final String RESPONSE_HEADERS = "auth-response-headers";
  static final String PROXY_SET_HEADERS = "auth-proxy-set-headers";
  static final String REQUEST_REDIRECT = "auth-request-redirect";
  static final String CACHE_KEY = "auth-cache-key";
  static final String CACHE_DURATION = "auth-cache-duration";
  static final String ALWAYS_SET_COOKIE = "auth-always-set-cookie";
  static final String ENABLE_GLOBAL = "enable-global-auth";

  /** ingress-nginx's accepted methods for {@code auth-method}. */
  private static final Pattern METHODS =
      Pattern.compile("GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_.~-]+");
  private static final Pattern CONFIG_MAP = Pattern.compile(
      "([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?");

  private final Map<RouteSource, Ingress> ingresses;
  private final ResourceStore store;
  private final GlobalSettings settings;
  private final List<Problem> problems;
  private final Map<RouteSource, List<RouteFeature>> bySource = new HashMap<>();
  private @Nullable List<RouteFeature> global;

  /**
   * @param ingresses the Ingresses whose routes will be given their features, by source
   * @param store where {@code auth-proxy-set-headers} ConfigMaps are found
   * @param settings the global keys in force ({@code global-auth-*}, the upstream timeouts)
   * @param problems where bad values are reported
   */
  ExternalAuthAnnotations(Map<RouteSource, Ingress> ingresses, ResourceStore store,
      GlobalSettings settings, List<Problem> problems) {
    this.ingresses = ingresses;
    this.store = store;
    this.settings = settings;
    this.problems = problems;
  }

  /**
   * The {@code namespace/name} of the ConfigMap an Ingress's {@code auth-proxy-set-headers}
   * names (a bare name is in the Ingress's namespace), or empty when it names none.
   */
  public static Optional<String> configMapReference(Ingress ingress) {
    Map<String, String> a = ingress.getMetadata() == null ? null
        : ingress.getMetadata().getAnnotations();
    String ref = a == null ? null : a.get(PREFIX + PROXY_SET_HEADERS);
    if (ref == null || ref.isBlank() || a.get(PREFIX + URL) == null) {
      return Optional.empty();
    }
    String r = ref.strip();
    return Optional.of(r.contains("/") ? r : ResourceStore.namespaceOf(ingress) + "/" + r);
  }

  /** The route with the external authentication its Ingress (or the ConfigMap) asks for. */
  Route apply(Route route) {
    return route.withFeatures(bySource.computeIfAbsent(route.source(), this::parse));
  }

  private List<RouteFeature> parse(RouteSource source) {
    Ingress ingress = ingresses.get(source);
    Map<String, String> annotations = ingress == null || ingress.getMetadata() == null
        || ingress.getMetadata().getAnnotations() == null
        ? Map.of() : ingress.getMetadata().getAnnotations();
    Map<String, String> own = new LinkedHashMap<>();
    annotations.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        own.put(k.substring(PREFIX.length()), v);
      }
    });
    if (own.containsKey(URL)) {
      try {
        return List.of(build(source.toString(), own, source.namespace(), source));
      } catch (Refused e) {
        problems.add(new Problem(source, "metadata.annotations[" + PREFIX + e.key + "]",
            "value " + FeatureAnnotations.quote(e.value) + " refused: " + e.getMessage()
                + "; the Ingress's routes answer 503 until it is fixed (failing closed:"
                + " authentication left out would open them). Fix its value."));
        return List.of(new UpstreamRefused("bad external authentication settings ("
            + e.key + ") of " + source));
      }
    }
    GlobalAuth keys = settings.globalAuth();
    if (!keys.on()) {
      return List.of();
    }
    String enable = own.get(ENABLE_GLOBAL);
    if (enable != null) {
      String e = enable.strip().toLowerCase(Locale.ROOT);
      if (e.equals("false")) {
        return List.of();
      }
      if (!e.equals("true")) {
        problems.add(FeatureAnnotations.refused(source, PREFIX + ENABLE_GLOBAL, enable,
            "expected true or false; global authentication applies"));
      }
    }
    return global(source);
  }

  /** The global step, parsed once per translation (its problems reported on the first Ingress). */
  private List<RouteFeature> global(RouteSource first) {
    List<RouteFeature> g = global;
    if (g != null) {
      return g;
    }
    GlobalAuth keys = settings.globalAuth();
    Map<String, String> values = new LinkedHashMap<>();
    put(values, URL, keys.url());
    put(values, METHOD, keys.method());
    put(values, SIGNIN, keys.signin());
    put(values, SIGNIN_REDIRECT_PARAM, keys.signinRedirectParam());
    put(values, RESPONSE_HEADERS, keys.responseHeaders());
    put(values, REQUEST_REDIRECT, keys.requestRedirect());
    put(values, CACHE_KEY, keys.cacheKey());
    put(values, CACHE_DURATION, keys.cacheDuration());
    put(values, ALWAYS_SET_COOKIE, keys.alwaysSetCookie());
    try {
      g = List.of(build("global-auth-url", values, "", null));
    } catch (Refused e) {
      problems.add(new Problem(first, "ConfigMap[global-" + e.key + "]",
          "value " + FeatureAnnotations.quote(e.value) + " refused: " + e.getMessage()
              + "; every route under global authentication answers 503 until it is fixed"
              + " (failing closed). Fix the ConfigMap key."));
      g = List.of(new UpstreamRefused("bad global external authentication settings (global-"
          + e.key + ")"));
    }
    global = g;
    return g;
  }

  private static void put(Map<String, String> values, String key, String value) {
    if (!value.isBlank()) {
      values.put(key, value);
    }
  }

  /** A bad value: which key, what it was, why. */
  private static final class Refused extends Exception {
    final String key;
    final String value;

    Refused(String key, String value, String why) {
      super(why, null, false, false);
      this.key = key;
      this.value = value;
    }
  }

  private ExternalAuth build(String origin, Map<String, String> v, String namespace,
      @Nullable RouteSource source) throws Refused {
    String url = v.get(URL).strip();
    ExternalAuth.Builder b;
    try {
      b = ExternalAuth.builder(origin, template(url));
    } catch (IllegalArgumentException e) {
      throw new Refused(URL, url, e.getMessage());
    }
    b.timeouts(positive(settings.timeouts().connect(), Duration.ofSeconds(5)),
        positive(settings.timeouts().read(), Duration.ofSeconds(60)));
    String method = v.get(METHOD);
    if (method != null && !method.isBlank()) {
      if (!METHODS.matcher(method.strip()).matches()) {
        throw new Refused(METHOD, method, "expected an HTTP method (GET, HEAD, POST, PUT, PATCH,"
            + " DELETE, CONNECT, OPTIONS, TRACE)");
      }
      b.method(method.strip());
    }
    String signin = v.get(SIGNIN);
    if (signin != null && !signin.isBlank()) {
      b.signin(checkedTemplate(SIGNIN, signin.strip()));
    }
    String param = v.get(SIGNIN_REDIRECT_PARAM);
    if (param != null && !param.isBlank()) {
      if (!PARAM.matcher(param.strip()).matches()) {
        throw new Refused(SIGNIN_REDIRECT_PARAM, param, "expected a query parameter name");
      }
      b.signinRedirectParam(param.strip());
    }
    String headers = v.get(RESPONSE_HEADERS);
    if (headers != null && !headers.isBlank()) {
      List<String> names = new ArrayList<>();
      for (String name : headers.split(",")) {
        String n = name.strip();
        if (!TOKEN.matcher(n).matches()) {
          throw new Refused(RESPONSE_HEADERS, headers, FeatureAnnotations.quote(n)
              + " is not a header name (expected a comma-separated list of names)");
        }
        names.add(n);
      }
      b.responseHeaders(names);
    }
    String redirect = v.get(REQUEST_REDIRECT);
    if (redirect != null && !redirect.isBlank()) {
      b.requestRedirect(checkedTemplate(REQUEST_REDIRECT, redirect.strip()));
    }
    String key = v.get(CACHE_KEY);
    String durations = v.get(CACHE_DURATION);
    if (key != null && !key.isBlank()) {
      b.cache(checkedTemplate(CACHE_KEY, key.strip()), durations == null || durations.isBlank()
          ? ExternalAuth.DEFAULT_CACHE_VALIDITY : cacheValidity(durations));
    } else if (durations != null && !durations.isBlank()) {
      cacheValidity(durations); // checked, though without a key nothing is cached (as nginx)
    }
    String always = v.get(ALWAYS_SET_COOKIE);
    if (always != null && !always.isBlank()) {
      String a = always.strip().toLowerCase(Locale.ROOT);
      if (!a.equals("true") && !a.equals("false")) {
        throw new Refused(ALWAYS_SET_COOKIE, always, "expected true or false");
      }
      b.alwaysSetCookie(a.equals("true"));
    }
    String configMap = v.get(PROXY_SET_HEADERS);
    if (configMap != null && !configMap.isBlank() && source != null) {
      b.proxySetHeaders(proxySetHeaders(configMap.strip(), namespace));
    }
    return b.build();
  }

  private static Duration positive(Duration d, Duration fallback) {
    return d.isZero() || d.isNegative() ? fallback : d;
  }

  private static VariableTemplate template(String value) {
    if (value.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new IllegalArgumentException("blanks and control characters are not allowed");
    }
    return VariableTemplate.parse(value, 0);
  }

  private static VariableTemplate checkedTemplate(String key, String value) throws Refused {
    try {
      if (key.equals(CACHE_KEY)) {
        // A cache key may hold anything printable, blanks included.
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new IllegalArgumentException("control characters are not allowed");
        }
        return VariableTemplate.parse(value, 0);
      }
      return template(value);
    } catch (IllegalArgumentException e) {
      throw new Refused(key, value, e.getMessage());
    }
  }

  /**
   * nginx's {@code proxy_cache_valid} entries, comma-separated: status codes (or {@code any})
   * then a time ({@code 200 202 10m, 401 5m}).
   */
  static List<ExternalAuth.CacheValidity> cacheValidity(String value) throws Refused {
    List<ExternalAuth.CacheValidity> out = new ArrayList<>();
    for (String entry : value.split(",")) {
      String[] words = entry.strip().split("\\s+");
      if (words.length < 1 || words[0].isEmpty()) {
        throw new Refused(CACHE_DURATION, value, "an entry is empty");
      }
      Duration ttl;
      try {
        ttl = ValueParsers.duration(nginxTime(words[words.length - 1]));
      } catch (IllegalArgumentException e) {
        throw new Refused(CACHE_DURATION, value, e.getMessage());
      }
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < words.length - 1; i++) {
        if (words[i].equalsIgnoreCase("any")) {
          codes.clear();
          break;
        }
        try {
          int code = Integer.parseInt(words[i]);
          if (code < 100 || code > 599) {
            throw new NumberFormatException();
          }
          codes.add(code);
        } catch (NumberFormatException e) {
          throw new Refused(CACHE_DURATION, value, FeatureAnnotations.quote(words[i])
              + " is not a status code (expected e.g. \"200 202 10m, 401 5m\")");
        }
      }
      if (words.length == 1) {
        codes = List.of(200, 301, 302); // nginx: a time alone caches 200, 301 and 302
      }
      out.add(new ExternalAuth.CacheValidity(codes, ttl));
    }
    return out;
  }

  /** nginx's {@code d} unit, which the duration parser does not know. */
  private static String nginxTime(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (w.endsWith("d") && w.length() > 1 && w.substring(0, w.length() - 1).chars()
        .allMatch(Character::isDigit)) {
      return Long.parseLong(w.substring(0, w.length() - 1)) * 24 + "h";
    }
    return word;
  }

  /** The headers of the ConfigMap {@code auth-proxy-set-headers} names. */
  private Map<String, VariableTemplate> proxySetHeaders(String reference, String namespace)
      throws Refused {
    if (!CONFIG_MAP.matcher(reference).matches()) {
      throw new Refused(PROXY_SET_HEADERS, reference, "expected a ConfigMap as name or"
          + " namespace/name");
    }
    int slash = reference.indexOf('/');
    String ns = slash < 0 ? namespace : reference.substring(0, slash);
    String name = slash < 0 ? reference : reference.substring(slash + 1);
    Optional<ConfigMap> map = store.configMap(ns, name);
    if (map.isEmpty()) {
      throw new Refused(PROXY_SET_HEADERS, reference, "the ConfigMap " + ns + "/" + name
          + " does not exist; create it or remove the annotation");
    }
    Map<String, String> data = map.get().getData() == null ? Map.of() : map.get().getData();
    Map<String, VariableTemplate> headers = new TreeMap<>();
    for (Map.Entry<String, String> e : data.entrySet()) {
      if (!TOKEN.matcher(e.getKey()).matches()) {
        throw new Refused(PROXY_SET_HEADERS, reference, "the ConfigMap " + ns + "/" + name
            + " has the key " + FeatureAnnotations.quote(e.getKey())
            + ", which is not a header name");
      }
      String value = e.getValue() == null ? "" : e.getValue();
      if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new Refused(PROXY_SET_HEADERS, reference, "the value of "
            + e.getKey() + " in ConfigMap " + ns + "/" + name + " has control characters");
      }
      try {
        headers.put(e.getKey(), VariableTemplate.parse(value, 0));
      } catch (IllegalArgumentException ex) {
        throw new Refused(PROXY_SET_HEADERS, reference, "the value of " + e.getKey()
            + " in ConfigMap " + ns + "/" + name + ": " + ex.getMessage());
      }
    }
    return headers;
  }
}
