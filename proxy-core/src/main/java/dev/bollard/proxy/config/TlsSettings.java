package dev.bollard.proxy.config;

import java.util.List;
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
 */
public record TlsSettings(
    List<TlsBinding> bindings,
    Map<RouteSource, Boolean> sslRedirect,
    Set<RouteSource> forceSslRedirect) {

  /** No TLS at all. */
  public static final TlsSettings NONE = new TlsSettings(List.of(), Map.of(), Set.of());

  public TlsSettings {
    bindings = List.copyOf(bindings);
    sslRedirect = Map.copyOf(sslRedirect);
    forceSslRedirect = Set.copyOf(forceSslRedirect);
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
