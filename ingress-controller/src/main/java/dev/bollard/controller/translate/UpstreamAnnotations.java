package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.step.UpstreamRefused;
import dev.bollard.proxy.tls.CertifiedKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an Ingress's backends are reached: ingress-nginx's {@code backend-protocol}, the {@code
 * proxy-ssl-*} annotations and {@code service-upstream}, read once per Ingress and rebuild into an
 * {@link Upstream} that the translator applies to each backend the Ingress resolves.
 *
 * <ul>
 *   <li>{@code backend-protocol} (trimmed, any case, as ingress-nginx reads it): {@code HTTP}
 *       (default), {@code HTTPS} (TLS to the endpoints), {@code AUTO_HTTP} (TLS only for requests
 *       that came over TLS), {@code GRPC} (HTTP/2 in clear text, prior knowledge) and {@code GRPCS}
 *       (HTTP/2 in TLS, agreed through ALPN; the {@code proxy-ssl-*} annotations apply as for
 *       {@code HTTPS}). {@code AJP}, {@code FCGI} and unknown values are problems and the backend
 *       is spoken to in HTTP.
 *   <li>{@code proxy-ssl-secret} ({@code namespace/name}, the Ingress's namespace): {@code
 *       tls.crt}/{@code tls.key} are the client certificate, {@code ca.crt} the CAs that verify
 *       the upstream. A Secret that is missing, unreadable, in another namespace or holds neither
 *       fails the Ingress's routes closed (503), as ingress-nginx denies the location.
 *   <li>{@code proxy-ssl-verify} ({@code on}/{@code off}, default off; an unreadable value fails
 *       closed), {@code proxy-ssl-verify-depth} (default 1), {@code proxy-ssl-name} (default: the
 *       Service's DNS name {@code name.namespace.svc}, or an ExternalName's name), {@code
 *       proxy-ssl-server-name} ({@code on}/{@code off}, default off), {@code proxy-ssl-protocols}
 *       (of which TLSv1.2 and TLSv1.3 are spoken). Unlike ingress-nginx, they apply without a
 *       {@code proxy-ssl-secret} too (ingress-nginx ignores them then, its issue 6728).
 *   <li>{@code service-upstream: "true"}: the Service's cluster IP and port instead of its
 *       endpoints (see {@link BackendResolver}).
 * </ul>
 */
public final class UpstreamAnnotations {

  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String BACKEND_PROTOCOL = PREFIX + "backend-protocol";
  static final String SECRET = PREFIX + "proxy-ssl-secret";
  static final String VERIFY = PREFIX + "proxy-ssl-verify";
  static final String VERIFY_DEPTH = PREFIX + "proxy-ssl-verify-depth";
  static final String NAME = PREFIX + "proxy-ssl-name";
  static final String SERVER_NAME = PREFIX + "proxy-ssl-server-name";
  static final String PROTOCOLS = PREFIX + "proxy-ssl-protocols";
  static final String SERVICE_UPSTREAM = PREFIX + "service-upstream";

  private static final Set<String> KNOWN_PROTOCOLS =
      Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  private final ResourceStore store;
  private final Map<RouteSource, Ingress> ingresses;
  private final List<Problem> problems;
  private final Map<RouteSource, Upstream> bySource = new HashMap<>();

  /**
   * @param ingresses the Ingresses whose backends will be resolved, by source
   * @param problems where bad values and unusable Secrets are reported
   */
  UpstreamAnnotations(ResourceStore store, Map<RouteSource, Ingress> ingresses,
      List<Problem> problems) {
    this.store = store;
    this.ingresses = ingresses;
    this.problems = problems;
  }

  /** The Secret {@code proxy-ssl-secret} names, as {@code namespace/name}, for watch indexes. */
  public static Optional<String> secretReference(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String ref = annotations == null ? null : annotations.get(SECRET);
    return ref == null || ref.isBlank() ? Optional.empty() : Optional.of(ref.strip());
  }

  /** What the Ingress's annotations ask of its upstreams; read once per Ingress and rebuild. */
  Upstream forSource(RouteSource source) {
    return bySource.computeIfAbsent(source, s -> read(ingresses.get(s), s));
  }

  /** The route, answering 503 when its Ingress's upstream TLS settings are broken. */
  Route refuseIfBroken(Route route) {
    return route.withFeatures(forSource(route.source()).features());
  }

  /**
   * What one Ingress asks.
   *
   * @param serviceUpstream whether its backends are the Services' cluster IPs
   * @param tls its TLS settings without the server name (filled in per backend), or {@code null}
   * @param refused why its routes must answer 503, or {@code null}
   */
  record Upstream(boolean serviceUpstream, @Nullable UpstreamTls tls, @Nullable String refused,
      boolean explicitName, boolean http2) {

    static final Upstream PLAIN = new Upstream(false, null, null, false, false);

    /**
     * The backend with these settings; {@code service} is the one it was resolved from, for the
     * default server name.
     */
    Backend apply(Backend backend, String namespace, String serviceName,
        @Nullable Service service) {
      UpstreamTls settings = tls;
      if (refused != null) {
        // A default backend cannot carry a step: it loses its endpoints (503) instead.
        return new Backend(backend.id(), List.of(), backend.endpoints());
      }
      if (settings == null) {
        return http2 ? backend.withHttp2(true) : backend;
      }
      if (!explicitName) {
        settings = withName(settings, defaultName(namespace, serviceName, service));
      }
      return backend.withTls(settings).withHttp2(http2);
    }

    /** The step that refuses the Ingress's requests, or none. */
    List<UpstreamRefused> features() {
      return refused == null ? List.of() : List.of(new UpstreamRefused(refused));
    }

    private static String defaultName(String namespace, String serviceName,
        @Nullable Service service) {
      if (service != null && service.getSpec() != null
          && "ExternalName".equals(service.getSpec().getType())
          && service.getSpec().getExternalName() != null) {
        String name = service.getSpec().getExternalName();
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      }
      return serviceName + "." + namespace + ".svc";
    }
  }

  private Upstream read(@Nullable Ingress ingress, RouteSource source) {
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return Upstream.PLAIN;
    }
    boolean serviceUpstream = serviceUpstream(annotations, source);
    Protocol protocol = protocol(annotations, source);
    List<String> refusals = new ArrayList<>();
    Material material = secret(annotations, source, refusals);
    Boolean verify = onOff(annotations, VERIFY, false, source);
    if (verify == null) {
      if (protocol.tls) {
        refusals.add(VERIFY + " is neither on nor off");
      }
      verify = false;
    }
    int depth = depth(annotations, source);
    String name = name(annotations, source);
    Boolean sni = onOff(annotations, SERVER_NAME, false, source);
    List<String> protocols = protocols(annotations, source);
    String refused = refusals.isEmpty() ? null
        : "this route's upstream TLS settings are broken (" + String.join("; ", refusals)
            + "), see the Ingress's problems";
    UpstreamTls tls = !protocol.tls ? null
        : new UpstreamTls(protocols, verify, depth, name == null ? "" : name,
            sni != null && sni, material.ca, material.chain, material.key,
            protocol == Protocol.AUTO_HTTP, material.secret);
    return new Upstream(serviceUpstream, tls, refused, name != null, protocol.http2);
  }

  private enum Protocol {
    HTTP(false, false), HTTPS(true, false), AUTO_HTTP(true, false), GRPC(false, true),
    GRPCS(true, true);

    /** Whether upstream connections speak TLS. */
    final boolean tls;
    /** Whether they speak HTTP/2. */
    final boolean http2;

    Protocol(boolean tls, boolean http2) {
      this.tls = tls;
      this.http2 = http2;
    }
  }

  private Protocol protocol(Map<String, String> annotations, RouteSource source) {
    String value = annotations.get(BACKEND_PROTOCOL);
    if (value == null) {
      return Protocol.HTTP;
    }
    String upper = value.strip().toUpperCase(Locale.ROOT);
    switch (upper) {
      case "HTTP":
        return Protocol.HTTP;
      case "HTTPS":
        return Protocol.HTTPS;
      case "AUTO_HTTP":
        return Protocol.AUTO_HTTP;
      case "GRPC":
        return Protocol.GRPC;
      case "GRPCS":
        return Protocol.GRPCS;
      case "AJP", "FCGI":
        refuse(source, BACKEND_PROTOCOL, value, "Bollard does not speak "
            + (upper.equals("AJP") ? "AJP" : "FastCGI") + "; put an HTTP server in front of"
            + " the backend. The backend is spoken to in HTTP");
        return Protocol.HTTP;
      default:
        refuse(source, BACKEND_PROTOCOL, value,
            "expected HTTP, HTTPS, AUTO_HTTP, GRPC or GRPCS; the backend is spoken to in HTTP");
        return Protocol.HTTP;
    }
  }

  /** The certificates of {@code proxy-ssl-secret}; a reason in {@code refusals} when broken. */
  private record Material(@Nullable String ca, @Nullable String chain, @Nullable String key,
      String secret) {
    static final Material NONE = new Material(null, null, null, "");
  }

  private Material secret(Map<String, String> annotations, RouteSource source,
      List<String> refusals) {
    String value = annotations.get(SECRET);
    if (value == null) {
      return Material.NONE;
    }
    String ref = value.strip();
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
      return broken(source, value, "expected namespace/name, such as " + source.namespace()
          + "/upstream-tls", refusals);
    }
    String namespace = ref.substring(0, slash);
    String name = ref.substring(slash + 1);
    if (!namespace.equals(source.namespace())) {
      return broken(source, value, "the Secret must be in the Ingress's namespace "
          + source.namespace() + " (as ingress-nginx requires); copy it there", refusals);
    }
    Optional<Secret> found = store.secret(namespace, name);
    if (found.isEmpty()) {
      return broken(source, value, "Secret " + ref + " not found; create it with tls.crt and"
          + " tls.key (the client certificate) and/or ca.crt (the CAs to trust)", refusals);
    }
    String ca = TlsTranslation.data(found.get(), "ca.crt");
    String chain = TlsTranslation.data(found.get(), "tls.crt");
    String key = TlsTranslation.data(found.get(), "tls.key");
    ca = ca == null || ca.isBlank() ? null : ca;
    chain = chain == null || chain.isBlank() ? null : chain;
    key = key == null || key.isBlank() ? null : key;
    if (ca == null && chain == null) {
      return broken(source, value, "Secret " + ref + " holds neither tls.crt/tls.key nor ca.crt;"
          + " add them", refusals);
    }
    if (chain != null || key != null) {
      if (chain == null || key == null) {
        return broken(source, value, "Secret " + ref + " has " + (chain == null ? "tls.key"
            : "tls.crt") + " without " + (chain == null ? "tls.crt" : "tls.key")
            + "; add the other", refusals);
      }
      try {
        CertifiedKey.parse(chain, key);
      } catch (IllegalArgumentException e) {
        return broken(source, value, "Secret " + ref + ": tls.crt/tls.key: " + e.getMessage()
            + "; fix them", refusals);
      }
    }
    if (ca != null) {
      try {
        CertifiedKey.certificates(ca);
      } catch (IllegalArgumentException e) {
        return broken(source, value, "Secret " + ref + ": ca.crt: " + e.getMessage()
            + "; fix it", refusals);
      }
    }
    return new Material(ca, chain, key, ref);
  }

  private Material broken(RouteSource source, String value, String why, List<String> refusals) {
    problems.add(new Problem(source, field(SECRET), "value " + quote(value) + " refused: " + why
        + ". Until then the Ingress's routes answer 503 (ingress-nginx denies them too)."));
    refusals.add(SECRET + " unusable");
    return Material.NONE;
  }

  /** {@code on} or {@code off}; the default when absent; {@code null} (reported) otherwise. */
  private @Nullable Boolean onOff(Map<String, String> annotations, String key, boolean absent,
      RouteSource source) {
    String value = annotations.get(key);
    if (value == null) {
      return absent;
    }
    switch (value.strip()) {
      case "on":
        return true;
      case "off":
        return false;
      default:
        refuse(source, key, value, "expected on or off"
            + (key.equals(VERIFY) ? "; with TLS to the backend the Ingress's routes answer 503"
                + " until it is fixed, since it may have meant to verify the upstream"
                : "; off is used"));
        return null;
    }
  }

  private int depth(Map<String, String> annotations, RouteSource source) {
    String value = annotations.get(VERIFY_DEPTH);
    if (value == null) {
      return 1;
    }
    try {
      int depth = Integer.parseInt(value.strip());
      if (depth >= 0) {
        // ingress-nginx reads 0 as unset, so 1.
        return depth == 0 ? 1 : depth;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    refuse(source, VERIFY_DEPTH, value, "expected a whole number of 1 or more; 1 is used");
    return 1;
  }

  private @Nullable String name(Map<String, String> annotations, RouteSource source) {
    String value = annotations.get(NAME);
    if (value == null) {
      return null;
    }
    String name = value.strip();
    if (!name.startsWith("*.") && HostNames.normalize(name) != null) {
      return name.toLowerCase(Locale.ROOT);
    }
    refuse(source, NAME, value, "expected a host name such as backend.example.com; the"
        + " Service's name is used");
    return null;
  }

  private List<String> protocols(Map<String, String> annotations, RouteSource source) {
    String value = annotations.get(PROTOCOLS);
    if (value == null) {
      return UpstreamTls.DEFAULT_PROTOCOLS;
    }
    List<String> spoken = new ArrayList<>();
    for (String token : value.strip().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (!KNOWN_PROTOCOLS.contains(token)) {
        refuse(source, PROTOCOLS, value, "expected TLS versions such as \"TLSv1.2 TLSv1.3\"; "
            + String.join(" ", UpstreamTls.DEFAULT_PROTOCOLS) + " are used");
        return UpstreamTls.DEFAULT_PROTOCOLS;
      }
      if ((token.equals("TLSv1.2") || token.equals("TLSv1.3")) && !spoken.contains(token)) {
        spoken.add(token);
      }
    }
    if (spoken.isEmpty()) {
      refuse(source, PROTOCOLS, value, "Bollard speaks only TLSv1.2 and TLSv1.3 to upstreams; "
          + String.join(" ", UpstreamTls.DEFAULT_PROTOCOLS) + " are used");
      return UpstreamTls.DEFAULT_PROTOCOLS;
    }
    spoken.sort(null);
    return spoken;
  }

  private boolean serviceUpstream(Map<String, String> annotations, RouteSource source) {
    String value = annotations.get(SERVICE_UPSTREAM);
    if (value == null) {
      return false;
    }
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        refuse(source, SERVICE_UPSTREAM, value,
            "expected \"true\" or \"false\"; the Service's endpoints are used");
        return false;
    }
  }

  private void refuse(RouteSource source, String key, String value, String why) {
    problems.add(new Problem(source, field(key), "value " + quote(value) + " refused: " + why
        + ". Fix its value."));
  }

  private static String field(String key) {
    return "metadata.annotations[" + key + "]";
  }

  private static String quote(String value) {
    return FeatureAnnotations.quote(value.length() > 100 ? value.substring(0, 100) + "..." : value);
  }

  private static UpstreamTls withName(UpstreamTls tls, String name) {
    return new UpstreamTls(tls.protocols(), tls.verify(), tls.verifyDepth(), name, tls.sni(),
        tls.trustedCaPem(), tls.clientChainPem(), tls.clientKeyPem(), tls.onlyForTlsClients(),
        tls.secret());
  }
}
