package dev.bollard.acme;

import java.time.Instant;
import java.util.Set;

/**
 * Hooks for Kubernetes events and metrics. Called on the manager's thread after the storage write;
 * implementations must be quick and must not throw.
 */
public interface CertificateEvents {

  /** No-op listener. */
  CertificateEvents NONE = new CertificateEvents() {};

  /** A certificate was issued and stored under {@code name}. */
  default void issued(String name, CertificateBundle bundle, OrderReason reason) {}

  /** An order failed; the next one waits until {@code nextAttempt}. */
  default void failed(
      String name,
      Set<String> hosts,
      OrderReason reason,
      String error,
      int failures,
      Instant nextAttempt) {}

  /** Why an order was placed. */
  enum OrderReason {
    /** Nothing stored yet. */
    MISSING,
    /** The stored certificate does not cover exactly the desired hosts. */
    HOSTS_CHANGED,
    /** Lifetime threshold or the CA's renewal window reached. */
    RENEWAL_DUE
  }
}
