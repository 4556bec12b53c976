package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.acme.ChallengeType;
import dev.bollard.acme.testing.PebbleExtension;
import dev.bollard.acme.testing.TestCertificates;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.WriteSettings;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * ACME in Kubernetes mode end to end: fabric8's mock API server (CRUD), a real ACME server
 * (pebble) validating through Bollard's own listeners, and two controller replicas sharing the
 * Lease, the challenge ConfigMap and the certificate Secrets.
 */
class AcmeKubernetesEndToEndTest {

  @RegisterExtension static final PebbleExtension PEBBLE = new PebbleExtension();

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "shop";

  private KubernetesMockServer server;
  private KubernetesClient api;
  private EchoBackend echo;
  private final List<ProxyProcess> runtimes = new ArrayList<>();

  @BeforeEach
  void start() throws InterruptedException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(LOOPBACK, 0);
    api = server.createClient();
    echo = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "echo");
    api.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("web").endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    api.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("web-1")
        .withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true)
        .endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(echo.port()).endPort()
        .build()).create();
  }

  @AfterEach
  void stop() {
    runtimes.forEach(ProxyProcess::close);
    api.close();
    server.destroy();
    echo.close();
  }

  @Test
  void theLeaderOrdersOnceTheFollowerAnswersAndBothServeTheSecret() throws Exception {
    Orders leaderOrders = new Orders();
    Orders followerOrders = new Orders();
    ProxyProcess leader = startRuntime("one", 0, leaderOrders);
    await().atMost(WAIT).until(leader::isLeader);
    // pebble validates HTTP-01 on the follower's plain listener: only the ConfigMap tells it.
    ProxyProcess follower = startRuntime("two", PEBBLE.httpPort(), followerOrders);
    await().atMost(WAIT).until(() -> follower.currentSnapshot().version() > 0);

    String host = "kube-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    createIngress("web", "web-tls", true, host);

    await("certificate stored in shop/web-tls").atMost(WAIT).until(
        () -> !data(secret("web-tls"), "tls.crt").isBlank());
    Secret stored = secret("web-tls");
    assertThat(stored.getType()).isEqualTo("kubernetes.io/tls");
    CertificateBundle bundle =
        CertificateBundle.parse(data(stored, "tls.crt"), data(stored, "tls.key"));
    assertThat(bundle.hosts()).containsExactly(host);
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry("bollard.dev/acme-not-after", bundle.notAfter().toString())
        .containsEntry("bollard.dev/acme-failures", "0")
        .containsKey("bollard.dev/acme-last-attempt");
    assertThat(stored.getMetadata().getAnnotations().get("bollard.dev/acme-issuer"))
        .containsIgnoringCase("pebble");
    assertThat(Instant.parse(
        stored.getMetadata().getAnnotations().get("bollard.dev/acme-last-attempt")))
        .isBefore(Instant.now().plusSeconds(1));

    for (ProxyProcess runtime : List.of(leader, follower)) {
      await("served by " + runtime.status().leader()).atMost(WAIT).until(
          () -> runtime.currentSnapshot().tls().bindingFor(host)
              .map(TlsBinding::hasCertificate).orElse(false));
      assertThat(handshake(runtime.httpsPort(), host)).isEqualTo(bundle.leaf());
    }

    assertThat(leaderOrders.issued).containsExactly("shop/web-tls");
    assertThat(leaderOrders.failed).isEmpty();
    assertThat(followerOrders.issued).isEmpty();
    assertThat(followerOrders.failed).isEmpty();

    Secret account = api.secrets().inNamespace(NS).withName("bollard-acme-account").get();
    assertThat(data(account, "account.key")).contains("PRIVATE KEY");
    await().atMost(WAIT).until(() -> eventsOn("web", "CertificateIssued").size() == 1);
    assertThat(eventsOn("web", "CertificateIssued").get(0).getMessage()).contains(host);
    await().atMost(WAIT).untilAsserted(() -> assertThat(metrics(leader))
        .contains("bollard_certificate_orders_total{reason=\"missing\",result=\"issued\"} 1.0")
        .contains("bollard_certificate_expiry_timestamp_seconds{host=\"" + host
            + "\",secret=\"shop/web-tls\"} " + (double) bundle.notAfter().getEpochSecond()));
    // Every replica reports what it serves; orders only where they happen.
    await().atMost(WAIT).untilAsserted(() -> assertThat(metrics(follower))
        .contains("bollard_certificate_expiry_timestamp_seconds{host=\"" + host)
        .doesNotContain("bollard_certificate_orders_total{"));
    // Nothing left pending in the shared challenge ConfigMap.
    await().atMost(WAIT).until(() -> {
      var map = api.configMaps().inNamespace(NS).withName("bollard-acme-challenges").get();
      return map != null && (map.getData() == null || map.getData().isEmpty());
    });
  }

  @Test
  void aNewLeaderOrdersAtOnceWhatThePreviousOneLeftDue() throws Exception {
    // A leader that does not order (ACME off) and a follower that would.
    ProxyProcess leader = startRuntime("one", 0, new Orders(), false);
    await().atMost(WAIT).until(leader::isLeader);
    Orders orders = new Orders();
    ProxyProcess follower = startRuntime("two", PEBBLE.httpPort(), orders, true);
    String host = "failover-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    createIngress("web", "web-tls", true, host);
    await().atMost(WAIT).until(() -> follower.currentSnapshot().tls().bindingFor(host).isPresent());
    assertThat(orders.issued).isEmpty();

    // The manager's own interval is a minute: only taking over at once fits the wait.
    leader.close();
    await().atMost(WAIT).until(follower::isLeader);
    await().atMost(WAIT).until(() -> !orders.issued.isEmpty());
    assertThat(orders.issued).containsExactly("shop/web-tls");
    await().atMost(WAIT).untilAsserted(() -> assertThat(handshake(follower.httpsPort(), host)
        .getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo(host)));
  }

  @Test
  void aFailedValidationIsRecordedInTheSecretAndReportedOnce() throws Exception {
    Orders orders = new Orders();
    // Made ahead without the key (as a chart might): Bollard fills it in.
    api.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName("bollard-acme-account").endMetadata().withType("Opaque")
        .withData(Map.of("note", base64("made by the chart"))).build()).create();
    // Nobody listens on pebble's HTTP-01 port: validation fails.
    ProxyProcess runtime = startRuntime("one", 0, orders);
    await().atMost(WAIT).until(runtime::isLeader);
    String host = "fail-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    createIngress("web", "web-tls", true, host);

    await().atMost(WAIT).until(() -> !orders.failed.isEmpty());
    Secret recorded = secret("web-tls");
    assertThat(recorded.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(data(recorded, "tls.crt")).isEmpty();
    Map<String, String> annotations = recorded.getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("bollard.dev/acme-failures", "1")
        .containsKeys("bollard.dev/acme-next-attempt", "bollard.dev/acme-last-error");
    assertThat(Instant.parse(annotations.get("bollard.dev/acme-next-attempt")))
        .isAfter(Instant.now().plus(Duration.ofMinutes(4)));
    await().atMost(WAIT).until(() -> eventsOn("web", "CertificateFailed").size() == 1);
    assertThat(eventsOn("web", "CertificateFailed").get(0).getType()).isEqualTo("Warning");
    // No certificate yet: the host is bound without one (the default certificate), no problem.
    assertThat(runtime.currentSnapshot().tls().bindingFor(host)).hasValueSatisfying(
        binding -> assertThat(binding.hasCertificate()).isFalse());
    assertThat(metrics(runtime))
        .contains("bollard_certificate_orders_total{reason=\"missing\",result=\"failed\"} 1.0");
    Secret account = api.secrets().inNamespace(NS).withName("bollard-acme-account").get();
    assertThat(data(account, "account.key")).contains("PRIVATE KEY");
    assertThat(data(account, "note")).isEqualTo("made by the chart");

    // A restarted controller honours the backoff kept in the Secret: no new order.
    runtime.close();
    Orders afterRestart = new Orders();
    ProxyProcess restarted = startRuntime("two", 0, afterRestart);
    await().atMost(WAIT).until(restarted::isLeader);
    await().atMost(WAIT).until(() -> restarted.currentSnapshot().tls().bindingFor(host).isPresent());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> afterRestart.failed.isEmpty() && afterRestart.issued.isEmpty());
    assertThat(secret("web-tls").getMetadata().getAnnotations())
        .containsEntry("bollard.dev/acme-failures", "1")
        .containsEntry("bollard.dev/acme-next-attempt",
            annotations.get("bollard.dev/acme-next-attempt"));
    // It heard of no order, yet /status has the history, from the Secret its informer sees.
    JsonNode onStatus = null;
    for (JsonNode certificate : new ObjectMapper().readTree(restarted.status().toJson())
        .path("certificates")) {
      if (certificate.path("name").asString().equals(NS + "/web-tls")) {
        onStatus = certificate;
      }
    }
    assertThat(onStatus).as("shop/web-tls on /status").isNotNull();
    assertThat(onStatus.path("source").asString()).isEqualTo("acme");
    assertThat(onStatus.path("storedIn").asString()).isEqualTo("Secret shop/web-tls");
    assertThat(onStatus.path("hosts").toString()).isEqualTo("[\"" + host + "\"]");
    assertThat(onStatus.path("serving").asBoolean()).isFalse();
    assertThat(onStatus.path("failures").asInt()).isEqualTo(1);
    assertThat(onStatus.path("nextAttempt").asString())
        .isEqualTo(annotations.get("bollard.dev/acme-next-attempt"));
    assertThat(onStatus.path("lastError").asString()).contains("http-01 validation of " + host);
  }

  @Test
  void aBrokenSecretFallsBackToTheDefaultCertificateAndAFixIsServedLive() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Bollard test CA");
    Instant now = Instant.now();
    TestCertificates.Issued good = TestCertificates.leaf(ca, now.minusSeconds(60),
        now.plus(Duration.ofDays(30)), "good.example.com");
    TestCertificates.Issued fixed = TestCertificates.leaf(ca, now.minusSeconds(60),
        now.plus(Duration.ofDays(30)), "broken.example.com");
    createTlsSecret("good-tls", good.certificatePem(), good.privateKeyPem());
    createTlsSecret("broken-tls", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
        + "-----END CERTIFICATE-----\n", good.privateKeyPem());
    api.network().v1().ingresses().inNamespace(NS).resource(new IngressBuilder()
        .withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .withTls(new IngressTLSBuilder().withHosts("good.example.com").withSecretName("good-tls")
            .build(),
            new IngressTLSBuilder().withHosts("broken.example.com").withSecretName("broken-tls")
                .build())
        .addNewRule().withHost("good.example.com").withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec().build()).create();
    ProxyProcess runtime = startRuntime("one", 0, new Orders());

    await().atMost(WAIT).until(() -> runtime.currentSnapshot().tls().bindingFor("good.example.com")
        .map(TlsBinding::hasCertificate).orElse(false));
    assertThat(handshake(runtime.httpsPort(), "good.example.com")).isEqualTo(good.certificate());
    X509Certificate fallback = handshake(runtime.httpsPort(), "broken.example.com");
    assertThat(fallback).isNotEqualTo(good.certificate());
    assertThat(fallback.getIssuerX500Principal()).isNotEqualTo(ca.certificate().getSubjectX500Principal());
    await().atMost(WAIT).until(runtime::isLeader);
    await().atMost(WAIT).until(() -> eventsOn("web", "TranslationProblem").stream()
        .anyMatch(e -> e.getMessage().contains("shop/broken-tls")));
    assertThat(metrics(runtime))
        .contains("host=\"good.example.com\",secret=\"shop/good-tls\"")
        .doesNotContain("host=\"broken.example.com\"");

    // Fixing the Secret swaps the certificate in, without a restart.
    createTlsSecret("broken-tls", fixed.certificatePem(), fixed.privateKeyPem());
    await().atMost(WAIT).untilAsserted(() -> assertThat(
        handshake(runtime.httpsPort(), "broken.example.com")).isEqualTo(fixed.certificate()));
    assertThat(handshake(runtime.httpsPort(), "good.example.com")).isEqualTo(good.certificate());
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** What one replica's manager ordered. */
  private static final class Orders implements CertificateEvents {
    final ConcurrentLinkedQueue<String> issued = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();

    @Override
    public void issued(String name, CertificateBundle bundle, OrderReason reason) {
      issued.add(name);
    }

    @Override
    public void failed(String name, Set<String> hosts, OrderReason reason, String error,
        int failures, Instant nextAttempt) {
      failed.add(name);
    }
  }

  private ProxyProcess startRuntime(String identity, int proxyPort, Orders orders)
      throws InterruptedException {
    return startRuntime(identity, proxyPort, orders, true);
  }

  private ProxyProcess startRuntime(String identity, int proxyPort, Orders orders,
      boolean acme) throws InterruptedException {
    KubernetesSettings settings = new KubernetesSettings(
        ServerSettings.defaults(new InetSocketAddress("127.0.0.1", proxyPort)),
        SettingValues.DEFAULTS,
        new InetSocketAddress(LOOPBACK, 0),
        IngressClassSelection.defaults(),
        List.of(),
        new ConfigFamily(NS, "bollard"),
        -1,
        null,
        List.of("10.0.0.7"),
        new LeaderElection.Settings(NS, "bollard-leader", identity, Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofMillis(200)),
        new WriteSettings(0, 0, Duration.ZERO),
        Duration.ofMillis(50),
        Duration.ofMillis(300),
        Duration.ofMillis(100));
    TlsConfig tls = new TlsConfig(new InetSocketAddress("127.0.0.1", 0), 443, null,
        acme ? PEBBLE.directory() : null, "ops@example.com", NS + "/bollard-acme-account",
        "bollard-acme-challenges", null, 1.0 / 3, List.of(ChallengeType.HTTP_01));
    ProxyProcess runtime = ProxyProcess.start(settings.source(server.createClient()),
        settings.process().withCertificates(new CertificateWiring.Options(
            tls, List.of(PEBBLE.caCertificate()), orders, Clock.systemUTC(),
            Duration.ofMillis(100))));
    runtimes.add(runtime);
    return runtime;
  }

  private void createIngress(String name, String secretName, boolean acme, String host) {
    api.network().v1().ingresses().inNamespace(NS).resource(new IngressBuilder()
        .withNewMetadata().withName(name)
        .withAnnotations(acme ? Map.of("kubernetes.io/tls-acme", "true") : Map.of())
        .endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .addNewTl().withHosts(host).withSecretName(secretName).endTl()
        .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build()).createOr(r -> r.update());
  }

  /** Written with base64 {@code data}, as the API server stores it. */
  private void createTlsSecret(String name, String chainPem, String keyPem) {
    api.secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", base64(chainPem), "tls.key", base64(keyPem)))
        .build()).createOr(r -> r.update());
  }

  private Secret secret(String name) {
    Secret secret = api.secrets().inNamespace(NS).withName(name).get();
    return secret == null ? new Secret() : secret;
  }

  private static String data(Secret secret, String key) {
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return "";
    }
    return new String(Base64.getDecoder().decode(secret.getData().get(key)),
        StandardCharsets.US_ASCII);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private List<Event> eventsOn(String name, String reason) {
    return api.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static String metrics(ProxyProcess runtime) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.adminPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close"
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static X509Certificate handshake(int port, String host) throws Exception {
    return TlsProbe.peerCertificate(port, host);
  }
}
