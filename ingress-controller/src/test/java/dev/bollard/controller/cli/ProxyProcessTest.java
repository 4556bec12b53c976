package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.acme.testing.TestCertificates;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.source.Leadership;
import dev.bollard.controller.source.Source;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.IngressStatusPlan;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The one runtime asks nothing of a source but {@link Source}: an in-memory source drives reads,
 * change signals, health and leadership, with a real proxy, admin listener and echo backend.
 */
class ProxyProcessTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private EchoBackend blue;
  private EchoBackend green;
  private @Nullable ProxyProcess process;

  @BeforeEach
  void startBackends() throws InterruptedException {
    blue = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "blue");
    green = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "green");
  }

  @AfterEach
  void stopAll() {
    if (process != null) {
      process.close();
    }
    blue.close();
    green.close();
  }

  @Test
  void servesTheSourcesReadAndRebuildsOnItsSignal() throws Exception {
    MemorySource source = new MemorySource(true, null);
    source.resources = world("web", blue.port());
    process = ProxyProcess.start(source, settings());

    // Awaited before the proxy listened: the first request already has a route.
    assertThat(get(process.proxyPort(), "app.localhost", "/")).contains("blue");
    assertThat(process.status().toJson()).contains("\"mode\":\"memory\"");

    source.resources = world("web", green.port());
    source.signals().changed();
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(process.proxyPort(), "app.localhost", "/")).contains("green"));

    source.signals().following(false);
    assertThat(process.status().watchesHealthy()).isFalse();
    assertThat(process.status().watchFailures()).isEqualTo(1);
  }

  @Test
  void withoutAnElectionTheProcessLeadsAndStatusListsItsCertificatesWithoutKeys()
      throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Shop CA");
    Instant notAfter = Instant.now().plus(Duration.ofDays(30)).plusSeconds(3600);
    TestCertificates.Issued leaf = TestCertificates.leaf(
        ca, Instant.now().minusSeconds(3600), notAfter, "secure.localhost");
    List<HasMetadata> resources = new ArrayList<>(world("web", blue.port()));
    resources.add(new SecretBuilder().withNewMetadata().withName("shop-tls")
        .withNamespace("default").endMetadata().withType("kubernetes.io/tls")
        .withStringData(Map.of("tls.crt", leaf.certificatePem(), "tls.key",
            leaf.privateKeyPem()))
        .build());
    resources.add(new IngressBuilder()
        .withNewMetadata().withName("secure").withNamespace("default").endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .addNewTl().withHosts("secure.localhost").withSecretName("shop-tls").endTl()
        .addNewRule().withHost("secure.localhost").withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build());
    MemorySource source = new MemorySource(true, null);
    source.resources = resources;
    process = ProxyProcess.start(source, settings());

    String json = process.status().toJson();
    JsonNode status = new ObjectMapper().readTree(json);
    assertThat(status.path("leader").asBoolean()).as("the only process orders").isTrue();
    Map<String, JsonNode> certificates = new java.util.HashMap<>();
    status.path("certificates").forEach(c -> certificates.put(c.path("name").asString(), c));
    assertThat(certificates).containsOnlyKeys("default", "default/shop-tls");
    JsonNode shop = certificates.get("default/shop-tls");
    assertThat(shop.path("source").asString()).isEqualTo("secret");
    assertThat(shop.path("storedIn").asString()).isEqualTo("Secret default/shop-tls");
    assertThat(shop.path("hosts").toString()).isEqualTo("[\"secure.localhost\"]");
    assertThat(shop.path("serving").asBoolean()).isTrue();
    assertThat(shop.path("issuer").asString()).contains("CN=Shop CA");
    assertThat(shop.path("notAfter").asString())
        .isEqualTo(leaf.certificate().getNotAfter().toInstant().toString());
    assertThat(shop.path("daysLeft").asLong()).isEqualTo(30);
    assertThat(shop.path("lastOrder").isNull()).isTrue();
    JsonNode fallback = certificates.get("default");
    assertThat(fallback.path("source").asString()).isEqualTo("default");
    assertThat(fallback.path("storedIn").asString()).isEqualTo("generated");
    assertThat(fallback.path("daysLeft").asLong()).isPositive();
    assertThat(json).doesNotContain("PRIVATE KEY", "BEGIN");
  }

  @Test
  void aSourceThatIsNotReadyKeepsReadinessOffUntilItSynced() throws Exception {
    MemorySource source = new MemorySource(false, null);
    source.resources = world("web", blue.port());
    process = ProxyProcess.start(source, settings());

    // The proxy listens at once; nothing is published before the source's first complete view.
    assertThat(get(process.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 503");
    assertThat(get(process.proxyPort(), "app.localhost", "/")).doesNotContain("blue");

    source.synced.complete(null);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(process.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 200"));
    assertThat(get(process.proxyPort(), "app.localhost", "/")).contains("blue");
  }

  @Test
  void beforeTheFirstPublicationConnectionsGetTheFlagsValues() throws Exception {
    MemorySource source = new MemorySource(false, null);
    source.resources = world("web", blue.port());
    ProcessSettings flags = settings();
    flags = new ProcessSettings(flags.server(),
        SettingValues.DEFAULTS.with(Catalog.CLIENT_HEADER_TIMEOUT, Duration.ofSeconds(7)),
        flags.adminListen(), flags.classes(), flags.config(), flags.configVersion(),
        flags.statusAddress(), flags.echoBackend(), flags.rebuildHoldOff(),
        flags.rebuildMaxDelay(), flags.accessLog(), flags.certificates());
    process = ProxyProcess.start(source, flags);

    // The source has not synced: nothing is published, yet the flag is what the proxy reads.
    assertThat(get(process.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 503");
    assertThat(process.currentSnapshot().settings().timeouts().clientHeader())
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void theSourcesWritersHearEveryPublishedResultAndANewLeaderRebuilds() throws Exception {
    MemoryLeadership leadership = new MemoryLeadership();
    MemorySource source = new MemorySource(true, leadership);
    source.resources = world("web", blue.port());
    process = ProxyProcess.start(source, settings());

    // Contending starts once the source has synced; leading asks for a rebuild of its own.
    await().atMost(WAIT).until(() -> leadership.listener != null);
    int before = leadership.heard.size();
    assertThat(before).isPositive();
    leadership.lead(true);
    await().atMost(WAIT).until(() -> leadership.heard.size() > before);
    assertThat(process.isLeader()).isTrue();
    assertThat(process.status().leader()).isTrue();
    Publication last = leadership.heard.get(leadership.heard.size() - 1);
    assertThat(last.changed()).isFalse();
    assertThat(last.result().snapshot().virtualHosts())
        .anySatisfy(vh -> assertThat(vh.hostPattern()).isEqualTo("app.localhost"));

    leadership.lead(false);
    assertThat(process.isLeader()).isFalse();
    assertThat(process.status().leader()).isFalse();
  }

  @Test
  void metricsFollowPublishedSnapshotsAndCountTlsHandshakes() throws Exception {
    MemorySource source = new MemorySource(true, null);
    source.resources = world("web", blue.port());
    process = ProxyProcess.start(source, settings());
    source.resources = world("web", green.port());
    source.signals().changed();
    await().atMost(WAIT).until(() -> process.status().snapshotVersion() >= 2);

    // The gauge is the version /status reports, not 0.
    assertThat(sample("bollard_snapshot_version"))
        .isEqualTo((double) process.status().snapshotVersion());

    // One handshake that succeeds, and one client that speaks no TLS at all.
    TlsProbe.peerCertificate(process.httpsPort(), "app.localhost");
    try (Socket plain = new Socket(LOOPBACK, process.httpsPort())) {
      plain.setSoTimeout(5_000);
      plain.getOutputStream().write(
          "GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      plain.getInputStream().readAllBytes();
    }
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(sample("bollard_tls_handshakes_total{result=\"success\"}")).isEqualTo(1.0);
      assertThat(sample("bollard_tls_handshakes_total{result=\"failure\"}")).isEqualTo(1.0);
    });
  }

  @Test
  void aPortClashIsReportedBeforeTheSourcesFirstRead() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
      for (ProcessSettings flags : List.of(
          withServer(settings(), new InetSocketAddress(LOOPBACK, taken.getLocalPort())),
          settings().withCertificates(CertificateWiring.Options.of(TlsConfig.httpsOnly(
              new InetSocketAddress(LOOPBACK, taken.getLocalPort())))))) {
        // A source whose first complete view never comes: the clash must not wait for it.
        MemorySource source = new MemorySource(true, null, false);
        try {
          CompletableFuture<ProxyProcess> started = CompletableFuture.supplyAsync(() -> {
            try {
              return ProxyProcess.start(source, flags);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          });
          // Which listener the message names is the CLI's business; here: fast, and an I/O error.
          assertThat(started).failsWithin(WAIT)
              .withThrowableOfType(ExecutionException.class)
              .havingCause()
              .isInstanceOf(UncheckedIOException.class)
              .withMessageContaining("in use");
          assertThat(source.reads.get()).isZero();
        } finally {
          source.synced.complete(null);
        }
      }
    }
  }

  @Test
  void untilTheFirstSnapshotHttpAnswers503AndHttpsHoldsTheHandshake() throws Exception {
    MemorySource source = new MemorySource(false, null);
    source.resources = world("web", blue.port());
    process = ProxyProcess.start(source, settings());

    assertThat(get(process.adminPort(), "x", "/livez")).startsWith("HTTP/1.1 200");
    assertThat(get(process.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 503")
        .contains("no snapshot published yet");
    assertThat(get(process.proxyPort(), "app.localhost", "/"))
        .startsWith("HTTP/1.1 503")
        .containsIgnoringCase("Retry-After: 1")
        .containsIgnoringCase("Connection: close")
        .doesNotContain("blue");
    // The HTTPS listener accepts nothing yet: the client waits in the backlog, no certificate
    // (not even the generated default one) is shown before the first snapshot.
    CompletableFuture<X509Certificate> handshake = CompletableFuture.supplyAsync(() -> {
      try {
        return TlsProbe.peerCertificate(process.httpsPort(), "app.localhost");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !handshake.isDone());

    source.synced.complete(null);
    assertThat(handshake).succeedsWithin(WAIT);
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(process.adminPort(), "x", "/readyz")).startsWith("HTTP/1.1 200"));
    assertThat(get(process.proxyPort(), "app.localhost", "/")).contains("blue");
  }

  @Test
  void readinessSaysDrainingWhileShuttingDown() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, LOOPBACK)) {
      MemorySource source = new MemorySource(true, null);
      source.resources = world("web", silent.getLocalPort());
      process = ProxyProcess.start(source, settings());
      ProxyProcess running = process;
      // One request in flight to a backend that never answers keeps the drain going.
      CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return get(running.proxyPort(), "app.localhost", "/slow");
        } catch (IOException e) {
          return e.toString();
        }
      });
      Socket upstream = silent.accept();
      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> {
        try {
          running.shutdownGracefully(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try {
        await().atMost(WAIT).untilAsserted(
            () -> assertThat(get(running.adminPort(), "x", "/readyz"))
                .startsWith("HTTP/1.1 503")
                .contains("draining")
                .doesNotContain("no snapshot"));
      } finally {
        upstream.close();
      }
      assertThat(shutdown).succeedsWithin(WAIT);
      assertThat(inFlight).succeedsWithin(WAIT);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** The value of one sample on {@code /metrics}, by its name and labels as written there. */
  private double sample(String series) throws IOException {
    String page = get(process.adminPort(), "x", "/metrics");
    return page.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " not on /metrics:\n" + page));
  }

  private static ProcessSettings withServer(ProcessSettings flags, InetSocketAddress bind) {
    ServerSettings server = ServerSettings.defaults(bind);
    return new ProcessSettings(server, flags.configDefaults(), flags.adminListen(),
        flags.classes(), flags.config(), flags.configVersion(), flags.statusAddress(),
        flags.echoBackend(), flags.rebuildHoldOff(), flags.rebuildMaxDelay(), flags.accessLog(),
        flags.certificates());
  }

  private static ProcessSettings settings() {
    ServerSettings server = ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0));
    return new ProcessSettings(
        server,
        SettingValues.DEFAULTS,
        new InetSocketAddress(LOOPBACK, 0),
        IngressClassSelection.defaults(),
        new ConfigFamily(ResourceStore.DEFAULT_NAMESPACE, ConfigFamily.DEFAULT_NAME),
        -1,
        IngressStatusPlan.Address.NONE,
        null,
        Duration.ofMillis(20),
        Duration.ofMillis(100),
        AccessLogOptions.OFF,
        ProcessSettings.httpsOnly(server));
  }

  /** An Ingress for {@code app.localhost} to {@code service}, with one endpoint on {@code port}. */
  private static List<HasMetadata> world(String service, int port) {
    List<HasMetadata> out = new ArrayList<>();
    out.add(new IngressBuilder()
        .withNewMetadata().withName("app").withNamespace("default").endMetadata()
        .withNewSpec().withIngressClassName("bollard")
        .addNewRule().withHost("app.localhost").withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName(service)
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
        .endHttp().endRule().endSpec()
        .build());
    out.add(new ServiceBuilder()
        .withNewMetadata().withName(service).withNamespace("default").endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build());
    out.add(new EndpointSliceBuilder()
        .withNewMetadata().withName(service + "-1").withNamespace("default")
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true)
        .endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(port).endPort()
        .build());
    return out;
  }

  private static String get(int port, String host, String path) throws IOException {
    return RawHttp.get(port, host, path);
  }

  /** Resources in memory; ready at once or when {@link #synced} completes. */
  private static final class MemorySource implements Source {
    final CompletableFuture<Void> synced = new CompletableFuture<>();
    final AtomicInteger reads = new AtomicInteger();
    private final boolean await;
    private final @Nullable Leadership leadership;
    volatile List<HasMetadata> resources = List.of();
    private volatile @Nullable Signals signals;

    MemorySource(boolean await, @Nullable Leadership leadership) {
      this(await, leadership, await);
    }

    /** {@code syncedNow} false: the first complete view waits for the test. */
    MemorySource(boolean await, @Nullable Leadership leadership, boolean syncedNow) {
      this.await = await;
      this.leadership = leadership;
      if (syncedNow) {
        synced.complete(null);
      }
    }

    Signals signals() {
      Signals s = signals;
      assertThat(s).as("signals, given at start").isNotNull();
      return s;
    }

    @Override
    public String mode() {
      return "memory";
    }

    @Override
    public boolean awaitFirstRead() {
      return await;
    }

    @Override
    public CertificateWiring certificates(CertificateWiring.Options options) {
      return CertificateWiring.standalone(options);
    }

    @Override
    public CompletableFuture<Void> start(Signals signals) {
      this.signals = signals;
      return synced;
    }

    @Override
    public Optional<SourceRead> read() {
      reads.incrementAndGet();
      return synced.isDone()
          ? Optional.of(SourceRead.of(ResourceStore.of(resources)))
          : Optional.empty();
    }

    @Override
    public Optional<Leadership> leadership() {
      return Optional.ofNullable(leadership);
    }

    @Override
    public void close() {}
  }

  /** Leadership handed out by the test; its one writer records what it hears while leading. */
  private static final class MemoryLeadership implements Leadership {
    final List<Publication> heard = new CopyOnWriteArrayList<>();
    volatile @Nullable Listener listener;
    private volatile boolean leading;

    void lead(boolean now) {
      leading = now;
      Listener l = listener;
      assertThat(l).isNotNull();
      if (now) {
        l.started();
      } else {
        l.stopped();
      }
    }

    @Override
    public boolean isLeader() {
      return leading;
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public List<SnapshotPublisher.Listener> writers() {
      return List.of(heard::add);
    }

    @Override
    public void close() {
      leading = false;
    }
  }
}
