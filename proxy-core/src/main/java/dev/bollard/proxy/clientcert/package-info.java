/**
 * Client certificate authentication (ingress-nginx's {@code auth-tls-*}): the trusted CAs and
 * their CRLs ({@link dev.bollard.proxy.clientcert.CaBundle}), the verification of a client's chain
 * with nginx's outcomes and wording ({@link dev.bollard.proxy.clientcert.ChainCheck}, {@link
 * dev.bollard.proxy.clientcert.Verification}), and what one TLS connection's handshake established
 * ({@link dev.bollard.proxy.clientcert.HandshakeCertificate}: verified once, on first use, and kept
 * for the connection).
 *
 * <p>Not here: the handshake that asks for the certificate ({@code dev.bollard.proxy.tls}) and the
 * per-request check by the routed host ({@code dev.bollard.proxy.step.ClientCertificate}). This
 * package depends on the snapshot records only, so both can use it.
 */
@NullMarked
package dev.bollard.proxy.clientcert;

import org.jspecify.annotations.NullMarked;
