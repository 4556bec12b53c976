package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.proxy.config.RouteSource;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Kubernetes Events for finished orders, on the Ingress whose {@code spec.tls} names the Secret
 * (where {@code kubectl describe ingress} shows them). An issuance is always worth one; a failure
 * gets one when its error differs from the last one reported for that Secret, so an order failing
 * the same way at every backoff step does not pile up Events.
 */
final class CertificateEventRecorder implements CertificateEvents {

  private final EventRecorder recorder;
  private final Function<String, RouteSource> objectOf;
  private final Map<String, String> lastError = new ConcurrentHashMap<>();

  /**
   * @param objectOf the object to put an Event on, for a certificate's name ({@code
   *     namespace/secretName})
   */
  CertificateEventRecorder(EventRecorder recorder, Function<String, RouteSource> objectOf) {
    this.recorder = recorder;
    this.objectOf = objectOf;
  }

  @Override
  public void issued(String name, CertificateBundle bundle, OrderReason reason) {
    lastError.remove(name);
    recorder.record(objectOf.apply(name), false, "CertificateIssued",
        "Secret " + name + ": certificate for " + String.join(", ", bundle.hosts()) + " issued by "
            + bundle.issuer() + " (" + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + "), valid until " + bundle.notAfter());
  }

  @Override
  public void failed(String name, Set<String> hosts, OrderReason reason, String error,
      int failures, Instant nextAttempt) {
    if (error.equals(lastError.put(name, error))) {
      return;
    }
    recorder.record(objectOf.apply(name), true, "CertificateFailed",
        "Secret " + name + ": no certificate for " + String.join(", ", hosts) + " (" + failures
            + " failure(s) in a row): " + error + "; next attempt at " + nextAttempt
            + ". The previous certificate, if any, keeps serving.");
  }
}
