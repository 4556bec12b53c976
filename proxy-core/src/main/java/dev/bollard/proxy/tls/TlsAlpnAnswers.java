package dev.bollard.proxy.tls;

import java.util.Optional;

/**
 * Where ACME TLS-ALPN-01 challenge certificates come from (RFC 8737): a handshake that offers ALPN
 * {@code acme-tls/1} for a host with a pending challenge is answered with this certificate. Lookups
 * run on an event loop and must not block.
 */
@FunctionalInterface
public interface TlsAlpnAnswers {

  /** No challenge pending anywhere. */
  TlsAlpnAnswers NONE = host -> Optional.empty();

  /** The challenge certificate (with its RSA key) for {@code host}, lower case; empty for none. */
  Optional<CertifiedKey> certificateFor(String host);
}
