package dev.bollard.proxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the snapshot knows about TLS: which hosts have a certificate, and the per-Ingress
 * redirect annotations.
 *
 * @param bindings one entry per {@code spec.tls} entry that won its hosts, oldest Ingress first; a
 *     host appears in at most one binding
 * @param sslRedirect per-Ingress {@code ssl-redirect} annotations, overriding the global key for
 *     that Ingress's routes
 * @param forceSslRedirect Ingresses annotated {@code force-ssl-redirect: "true"}: their routes
 *     redirect to HTTPS even for hosts without TLS
 * @param passthrough SSL passthrough ({@code nginx.ingress.kubernetes.io/ssl-passthrough}, only
 *     with {@code --enable-ssl-passthrough}): exact lower-case host name to the backend its TLS
 *     connections are relayed to untouched, chosen by the ClientHello's SNI name before any TLS
 *     termination; empty when off
 * @param clientAuth client certificate authentication ({@code auth-tls-*}): host pattern (an exact
 *     lower-case name or a {@code *.} wildcard, as the Ingress rules name it) to its settings,
 *     compiled into a step of every chain of the host; the handshake asks for a certificate by
 *     the step of the host the SNI name routes to, the step checks by the routed host
 */
public record TlsSettings(
    List<TlsBinding> bindings,
    Map<RouteSource, Boolean> sslRedirect,
    Set<RouteSource> forceSslRedirect,
    Map<String, Backend> passthrough,
    Map<String, ClientAuth> clientAuth) {

  /** No TLS at all. */
  public static final TlsSettings NONE = new TlsSettings(List.of(), Map.of(), Set.of());

  public TlsSettings {
    bindings = List.copyOf(bindings);
    sslRedirect = Map.copyOf(sslRedirect);
    forceSslRedirect = Set.copyOf(forceSslRedirect);
    passthrough = Map.copyOf(passthrough);
    clientAuth = Map.copyOf(clientAuth);
    for (String host : clientAuth.keySet()) {
      if (!host.equals(host.toLowerCase(Locale.ROOT)) || host.equals("_")) {
        throw new IllegalArgumentException(
            "clientAuth: " + host + " (expected: a lower-case host name or *. wildcard)");
      }
    }
    for (String host : passthrough.keySet()) {
      if (!host.equals(host.toLowerCase(Locale.ROOT)) || host.startsWith("*.")) {
        throw new IllegalArgumentException(
            "passthrough: " + host + " (expected: an exact lower-case host name)");
      }
    }
  }

  /** Settings without SSL passthrough. */
  public TlsSettings(List<TlsBinding> bindings, Map<RouteSource, Boolean> sslRedirect,
      Set<RouteSource> forceSslRedirect) {
    this(bindings, sslRedirect, forceSslRedirect, Map.of());
  }

  /** Settings without client certificate authentication. */
  public TlsSettings(List<TlsBinding> bindings, Map<RouteSource, Boolean> sslRedirect,
      Set<RouteSource> forceSslRedirect, Map<String, Backend> passthrough) {
    this(bindings, sslRedirect, forceSslRedirect, passthrough, Map.of());
  }

  /** These settings with {@code hosts} passed through to their backends. */
  public TlsSettings withPassthrough(Map<String, Backend> hosts) {
    return new TlsSettings(bindings, sslRedirect, forceSslRedirect, hosts, clientAuth);
  }

  /** These settings with client certificate authentication for {@code hosts} (by host pattern). */
  public TlsSettings withClientAuth(Map<String, ClientAuth> hosts) {
    return new TlsSettings(bindings, sslRedirect, forceSslRedirect, passthrough, hosts);
  }


  /** The binding for {@code host} (lower case, no port): an exact name first, then a wildcard. */
  public Optional<TlsBinding> bindingFor(String host) {
    @Nullable TlsBinding wildcard = null;
    int dot = host.indexOf('.');
    @Nullable String star = dot > 0 ? "*" + host.substring(dot) : null;
    for (TlsBinding binding : bindings) {
      for (String pattern : binding.hosts()) {
        if (pattern.equals(host)) {
          return Optional.of(binding);
        }
        if (wildcard == null && pattern.equals(star)) {
          wildcard = binding;
        }
      }
    }
    return Optional.ofNullable(wildcard);
  }
}
