package dev.bollard.controller.status;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One certificate as the status page shows it: where it comes from, whom it is for, how long it
 * lasts and how ordering it went. Never key material.
 *
 * @param name the Secret's {@code namespace/name}, or {@code default} for the default certificate
 * @param hosts the hosts it is served for (Ingress {@code spec.tls}), empty for the default
 * @param source {@code secret} (a Secret Bollard only reads), {@code acme} (ordered by Bollard) or
 *     {@code default}
 * @param storedIn where it is kept: {@code Secret namespace/name}, a file, or {@code generated}
 * @param serving whether a certificate of its own is served (else the hosts get the default)
 * @param issuer the leaf's issuer, if there is a certificate
 * @param notAfter the leaf's expiry, if there is a certificate
 * @param lastOrder when Bollard last started an order for it (ACME), if ever
 * @param nextAttempt no order before this (ACME, backing off after a failure)
 * @param failures failed orders in a row (ACME)
 * @param lastError why the last order failed (ACME), if it did
 */
public record CertificateView(
    String name,
    List<String> hosts,
    String source,
    String storedIn,
    boolean serving,
    @Nullable String issuer,
    @Nullable Instant notAfter,
    @Nullable Instant lastOrder,
    @Nullable Instant nextAttempt,
    int failures,
    @Nullable String lastError) {

  public CertificateView {
    hosts = List.copyOf(hosts);
  }
}
