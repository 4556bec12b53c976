/**
 * Certificate lifecycle with ACME: deciding what to order ({@link
 * dev.bollard.acme.CertificateManager}), ordering it ({@link dev.bollard.acme.Issuer}, backed by
 * acme4j), and the small seams the rest of Bollard plugs into: {@link
 * dev.bollard.acme.CertificateStorage} and {@link dev.bollard.acme.AccountKeyStorage} (a directory
 * here, Kubernetes Secrets in the controller), {@link dev.bollard.acme.Locker} (in-process here,
 * the controller's leader Lease in Kubernetes) and {@link dev.bollard.acme.ChallengeTokens} /
 * {@link dev.bollard.acme.ChallengeResponder} (written by the issuer, read by the proxy's listeners
 * on every replica).
 *
 * <p>Nothing here knows Netty or Kubernetes. Implementations are package-private; the public
 * interfaces offer static factories for the standalone ones.
 */
@NullMarked
package dev.bollard.acme;

import org.jspecify.annotations.NullMarked;
