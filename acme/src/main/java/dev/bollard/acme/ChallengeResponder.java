package dev.bollard.acme;

import java.util.Optional;

/**
 * The read side of {@link ChallengeTokens}, called by the proxy's listeners (through the
 * controller's adapter to proxy-core's challenge seams): the plain listener answers {@code GET
 * /.well-known/acme-challenge/<token>} with {@link #http01} (as {@code text/plain}, before routing,
 * redirects and auth), and the HTTPS listener presents {@link #tlsAlpn01} when a client offers only
 * ALPN {@code acme-tls/1} for an SNI host. Lookups must not block: they run on event loops.
 */
public interface ChallengeResponder {

  /** The key authorization to answer for an HTTP-01 token. */
  Optional<String> http01(String token);

  /** The challenge certificate to present for a TLS-ALPN-01 handshake to {@code host}. */
  Optional<TlsAlpnCertificate> tlsAlpn01(String host);
}
