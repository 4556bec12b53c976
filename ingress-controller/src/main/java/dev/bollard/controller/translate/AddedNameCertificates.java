package dev.bollard.controller.translate;

import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.tls.CertifiedKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Certificates for the names {@link HostAnnotations} added (server aliases, www names): a name
 * without a {@code spec.tls} entry of its own is served the certificate of the host it belongs to
 * when that certificate covers it, as ingress-nginx serves its server's certificate for them;
 * otherwise it keeps the default certificate and the Ingress gets a problem saying what to add.
 *
 * <p>A server alias also asks for the client certificates of its host ({@code auth-tls-*}): in
 * ingress-nginx it is a {@code server_name} of the host's server, whose {@code ssl_verify_client}
 * covers it; without this a client would reach the host's routes through the alias without a
 * certificate. A www name does not: it only redirects to its host (ingress-nginx's redirect
 * server has no {@code ssl_verify_client}), where the certificate is asked for.
 */
final class AddedNameCertificates {

  private final TlsSettings tls;
  private final List<Problem> problems;
  private final Map<TlsBinding, @Nullable CertifiedKey> parsed = new HashMap<>();

  /**
   * @param tls the bindings of the {@code spec.tls} entries
   * @param problems where uncovered names are reported
   */
  AddedNameCertificates(TlsSettings tls, List<Problem> problems) {
    this.tls = tls;
    this.problems = problems;
  }

  /**
   * {@code tls} with one binding more for each added name its host's certificate covers, and the
   * host's client-certificate settings for each alias.
   */
  TlsSettings extend(Map<String, HostAnnotations.Added> added) {
    List<TlsBinding> bindings = new ArrayList<>(tls.bindings());
    Map<String, ClientAuth> clientAuth = new HashMap<>(tls.clientAuth());
    added.forEach((name, from) -> {
      ClientAuth hosts = tls.clientAuth().get(from.host());
      if (hosts != null && from.annotation().equals(HostAnnotations.SERVER_ALIAS)) {
        clientAuth.putIfAbsent(name, hosts);
      }
      if (tls.bindingFor(name).isPresent()) {
        return;
      }
      TlsBinding own = tls.bindingFor(from.host()).filter(TlsBinding::hasCertificate).orElse(null);
      if (own == null) {
        return;
      }
      CertifiedKey key = certified(own);
      if (key != null && key.covers(name)) {
        bindings.add(new TlsBinding(own.source(), own.secret(), List.of(name), own.chainPem(),
            own.keyPem(), false));
      } else {
        problems.add(new Problem(from.source(), HostAnnotations.field(from.annotation()),
            "HTTPS requests for " + name + " get the default certificate: the certificate in"
                + " Secret " + own.secret() + " of host " + from.host() + " does not cover it."
                + " Add " + name + " to the certificate and to spec.tls hosts."));
      }
    });
    return bindings.size() == tls.bindings().size()
        && clientAuth.size() == tls.clientAuth().size() ? tls
        : new TlsSettings(bindings, tls.sslRedirect(), tls.forceSslRedirect(), tls.passthrough(),
            clientAuth);
  }

  private @Nullable CertifiedKey certified(TlsBinding binding) {
    if (!parsed.containsKey(binding)) {
      CertifiedKey key;
      try {
        key = CertifiedKey.parse(binding.chainPem(), binding.keyPem());
      } catch (IllegalArgumentException e) {
        key = null; // TlsTranslation reported it already.
      }
      parsed.put(binding, key);
    }
    return parsed.get(binding);
  }
}
