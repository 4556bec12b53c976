package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import java.time.Instant;
import java.util.Set;

/**
 * Asks for a rebuild after an issuance (so a standalone process serves the new certificate at
 * once), then hands every outcome on to further hooks (metrics, Kubernetes Events, the status
 * page). It does not log: the {@link dev.bollard.acme.CertificateManager} logs each order's
 * outcome once, with its cause.
 */
final class RebuildOnIssue implements CertificateEvents {

  private final CertificateEvents next;
  private final Runnable rebuild;

  RebuildOnIssue(CertificateEvents next, Runnable rebuild) {
    this.next = next;
    this.rebuild = rebuild;
  }

  @Override
  public void issued(String name, CertificateBundle bundle, OrderReason reason) {
    rebuild.run();
    next.issued(name, bundle, reason);
  }

  @Override
  public void failed(String name, Set<String> hosts, OrderReason reason, String error, int failures,
      Instant nextAttempt) {
    next.failed(name, hosts, reason, error, failures, nextAttempt);
  }
}
