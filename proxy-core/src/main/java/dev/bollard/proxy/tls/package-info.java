/**
 * TLS termination and the ACME edge: the HTTPS listener's per-handshake certificate choice (SNI,
 * and ALPN {@code acme-tls/1} for TLS-ALPN-01 challenges), {@code SslContext}s cached per
 * certificate content, the default certificate and HSTS on HTTPS responses. For a host with
 * client certificate settings ({@code auth-tls-*}) the handshake asks for a certificate and
 * accepts any ({@link dev.bollard.proxy.tls.DeferredClientTrust}); the connection's {@link
 * dev.bollard.proxy.clientcert.HandshakeCertificate} is verified by the host's route step. The same ClientHello
 * step hands a connection whose SNI name the snapshot passes through (SSL passthrough) to the
 * listener's {@link dev.bollard.proxy.tls.EdgeTls.Passthrough} instead of terminating it. The HTTP-to-HTTPS
 * redirect and the ACME HTTP-01 answer are route steps ({@code dev.bollard.proxy.step}).
 *
 * <p>{@link dev.bollard.proxy.tls.EdgeTls} is the one object a {@code ProxyServer} is given; the
 * rest is package-private. Ordering certificates lives in the {@code acme} module; which
 * certificate serves which host comes from the snapshot's {@link
 * dev.bollard.proxy.config.TlsSettings}.
 */
@NullMarked
package dev.bollard.proxy.tls;

import org.jspecify.annotations.NullMarked;
