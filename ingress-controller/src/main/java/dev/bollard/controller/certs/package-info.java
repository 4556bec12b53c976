/**
 * Certificates for the HTTPS listener: the TLS settings of a process ({@link
 * dev.bollard.controller.certs.TlsConfig}), the default certificate, and the ACME wiring ({@link
 * dev.bollard.controller.certs.CertificateWiring}) — which {@code tls-acme} Ingress entries become
 * {@code DesiredCertificate}s, and where certificates, the account key, the lock and challenge
 * answers live: a directory and this process standalone; Secrets, the leader Lease and a ConfigMap
 * every replica watches in Kubernetes; and what orders and served certificates report: metrics
 * and Kubernetes Events.
 *
 * <p>Ordering itself lives in the {@code acme} module; serving lives in proxy-core's {@code tls}
 * package.
 */
@NullMarked
package dev.bollard.controller.certs;

import org.jspecify.annotations.NullMarked;
