package dev.bollard.controller.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents.OrderReason;
import dev.bollard.acme.testing.TestCertificates;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.metrics.ProxyMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hooks that report orders and served certificates: metrics and Kubernetes Events. */
class CertificateObserversTest {

  private static final RouteSource WEB = RouteSource.ingress("shop", "web");
  private final TestCertificates.Issued ca = TestCertificates.ca("Test CA");
  private final Instant notAfter = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
  private final TestCertificates.Issued leaf = TestCertificates.leaf(ca, Instant.now().minusSeconds(60),
      notAfter, "a.example.com", "b.example.com");

  @Test
  void expiryIsPublishedPerSecretAndServedHostAndRemovedWithTheBinding() {
    try (ProxyMetrics metrics = ProxyMetrics.create()) {
      CertificateMetrics observer = new CertificateMetrics(metrics);
      TlsBinding served = new TlsBinding(WEB, "shop/web-tls", List.of("a.example.com",
          "b.example.com"), leaf.certificatePem(), leaf.privateKeyPem(), true);
      TlsBinding defaulted = new TlsBinding(WEB, "shop/gone-tls", List.of("c.example.com"), null,
          null, false);

      observer.served(new TlsSettings(List.of(served, defaulted), Map.of(), Set.of()));
      String value = " " + (double) notAfter.getEpochSecond();
      assertThat(metrics.scrape())
          .contains("bollard_certificate_expiry_timestamp_seconds{host=\"a.example.com\","
              + "secret=\"shop/web-tls\"}" + value)
          .contains("bollard_certificate_expiry_timestamp_seconds{host=\"b.example.com\","
              + "secret=\"shop/web-tls\"}" + value)
          .doesNotContain("c.example.com");

      observer.served(new TlsSettings(List.of(new TlsBinding(WEB, "shop/web-tls",
          List.of("a.example.com"), leaf.certificatePem(), leaf.privateKeyPem(), true)),
          Map.of(), Set.of()));
      assertThat(metrics.scrape()).contains("host=\"a.example.com\"")
          .doesNotContain("b.example.com");

      observer.served(TlsSettings.NONE);
      assertThat(metrics.scrape()).doesNotContain("bollard_certificate_expiry_timestamp_seconds{");
    }
  }

  @Test
  void ordersAreCountedByResultAndReason() {
    try (ProxyMetrics metrics = ProxyMetrics.create()) {
      CertificateMetrics observer = new CertificateMetrics(metrics);
      CertificateBundle bundle = CertificateBundle.parse(leaf.certificatePem(), leaf.privateKeyPem());
      observer.issued("shop/web-tls", bundle, OrderReason.RENEWAL_DUE);
      observer.failed("shop/web-tls", bundle.hosts(), OrderReason.MISSING, "boom", 1, notAfter);
      observer.failed("shop/web-tls", bundle.hosts(), OrderReason.MISSING, "boom", 2, notAfter);

      assertThat(metrics.scrape())
          .contains("bollard_certificate_orders_total{reason=\"renewal_due\",result=\"issued\"} 1.0")
          .contains("bollard_certificate_orders_total{reason=\"missing\",result=\"failed\"} 2.0");
    }
  }

  @Test
  void failuresGetAnEventPerDistinctErrorAndIssuancesAlways() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient()) {
      EventRecorder recorder = new EventRecorder(client, Runnable::run, () -> true, "test");
      CertificateEventRecorder events = new CertificateEventRecorder(recorder,
          name -> name.equals("shop/web-tls") ? WEB : new RouteSource("Secret", "shop", "other"));
      CertificateBundle bundle = CertificateBundle.parse(leaf.certificatePem(), leaf.privateKeyPem());
      Set<String> hosts = bundle.hosts();

      events.failed("shop/web-tls", hosts, OrderReason.MISSING, "connection refused", 1, notAfter);
      events.failed("shop/web-tls", hosts, OrderReason.MISSING, "connection refused", 2, notAfter);
      events.failed("shop/web-tls", hosts, OrderReason.MISSING, "rate limited", 3, notAfter);
      events.issued("shop/web-tls", bundle, OrderReason.MISSING);
      events.failed("shop/web-tls", hosts, OrderReason.RENEWAL_DUE, "rate limited", 1, notAfter);
      events.failed("shop/other-tls", hosts, OrderReason.MISSING, "rate limited", 1, notAfter);

      List<Event> written = client.v1().events().inNamespace("shop").list().getItems();
      assertThat(written).extracting(e -> e.getInvolvedObject().getKind() + " "
          + e.getInvolvedObject().getName() + " " + e.getReason() + " " + e.getType())
          .containsExactlyInAnyOrder(
              "Ingress web CertificateFailed Warning",
              "Ingress web CertificateFailed Warning",
              "Ingress web CertificateIssued Normal",
              // After an issuance the same error is news again.
              "Ingress web CertificateFailed Warning",
              "Secret other CertificateFailed Warning");
      assertThat(written).filteredOn(e -> e.getReason().equals("CertificateIssued")).singleElement()
          .satisfies(e -> assertThat(e.getMessage()).contains("shop/web-tls",
              "a.example.com, b.example.com", "valid until " + notAfter));
    } finally {
      server.destroy();
    }
  }
}
