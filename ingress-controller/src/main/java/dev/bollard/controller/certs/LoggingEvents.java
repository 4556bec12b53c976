package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every order's outcome, asks for a rebuild after an issuance (so a standalone process serves
 * the new certificate at once), then hands on to further hooks (metrics, Kubernetes Events).
 */
final class LoggingEvents implements CertificateEvents {

  private static final Logger log = LoggerFactory.getLogger(LoggingEvents.class);

  private final CertificateEvents next;
  private final Runnable rebuild;

  LoggingEvents(CertificateEvents next, Runnable rebuild) {
    this.next = next;
    this.rebuild = rebuild;
  }

  @Override
  public void issued(String name, CertificateBundle bundle, OrderReason reason) {
    log.info("Certificate {} issued for {} ({}), valid until {}", name, bundle.hosts(),
        reason.name().toLowerCase(java.util.Locale.ROOT), bundle.notAfter());
    rebuild.run();
    next.issued(name, bundle, reason);
  }

  @Override
  public void failed(String name, Set<String> hosts, OrderReason reason, String error, int failures,
      Instant nextAttempt) {
    log.warn("Certificate {} for {} not issued ({} failure(s) in a row): {}; next attempt at {}",
        name, hosts, failures, error, nextAttempt);
    next.failed(name, hosts, reason, error, failures, nextAttempt);
  }
}
