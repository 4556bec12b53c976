package dev.bollard.controller.cli;

import dev.bollard.controller.testing.TestManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.acme.ChallengeType;
import dev.bollard.acme.testing.PebbleExtension;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real ACME server (pebble) validating through Bollard's own listeners: HTTP-01 on the plain
 * listener, TLS-ALPN-01 on the HTTPS listener; the issued certificate is then served by SNI.
 */
class AcmeStandaloneEndToEndTest {

  @RegisterExtension static final PebbleExtension PEBBLE = new PebbleExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path manifests;
  @TempDir Path acmeDir;
  @TempDir Path caDir;

  @Test
  void http01IssuanceThroughThePlainListenerThenServedBySni() throws Exception {
    String host = "http01-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.HTTP_01, false);
  }

  @Test
  void tlsAlpn01IssuanceThroughTheHttpsListenerThenServedBySni() throws Exception {
    String host = "alpn-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.TLS_ALPN_01, false);
  }

  @Test
  void guardedHostStillValidatesByHttp01() throws Exception {
    String host = "guarded-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.HTTP_01, true);
  }

  /**
   * A private CA not trusted: the real cause (not "Network error") reaches /status, logged once;
   * given by --acme-ca-file (beside the JVM's roots), the order goes out at once, not after the
   * 5-minute backoff the failure left in --acme-dir; /status then describes the certificate.
   */
  @Test
  void anUntrustedPrivateCaIsNamedOnStatusAndTrustingItByAcmeCaFileOrdersAtOnce()
      throws Exception {
    String host = "private-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    writeIngress(host, false);
    TlsConfig tls = TlsConfig.httpsOnly(new InetSocketAddress("127.0.0.1", PEBBLE.tlsPort()))
        .withAcme(PEBBLE.directory(), "ops@example.com", acmeDir)
        .withChallengeTypes(List.of(ChallengeType.HTTP_01));
    AtomicInteger failedOrders = new AtomicInteger();
    CertificateEvents counting = new CertificateEvents() {
      @Override
      public void failed(String name, Set<String> hosts, OrderReason reason, String error,
          int failures, Instant nextAttempt) {
        failedOrders.incrementAndGet();
      }
    };
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (ProxyProcess untrusting = ProxyProcess.start(settings().source(),
        settings().process().withCertificates(new CertificateWiring.Options(tls, List.of(),
            counting, Clock.systemUTC(), Duration.ofMillis(100))))) {
      JsonNode failed = await("failure on /status").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> certificate(untrusting, "shop/web-tls"),
              c -> c != null && !c.path("lastError").isNull());
      assertThat(failed.path("lastError").asString()).contains(host,
          "PKIX path building failed", "pass --acme-ca-file");
      assertThat(failed.path("source").asString()).isEqualTo("acme");
      assertThat(failed.path("serving").asBoolean()).isFalse();
      assertThat(failed.path("failures").asInt()).isEqualTo(1);
      assertThat(Instant.parse(failed.path("nextAttempt").asString()))
          .isAfter(Instant.now().plus(Duration.ofMinutes(4)));
    } finally {
      root.detachAppender(logs);
    }
    assertThat(failedOrders).hasValue(1);
    assertThat(logs.list).as("one log line for the one failure")
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
            && e.getFormattedMessage().contains("shop/web-tls")
            && e.getFormattedMessage().contains("next attempt"))
        .hasSize(1);

    Path caFile = caDir.resolve("pebble-ca.pem");
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(PEBBLE.caCertificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    RunCommand run = new RunCommand();
    CommandLine cli = new CommandLine(run);
    cli.parseArgs("--acme-directory", PEBBLE.directory().toString(), "--acme-ca-file",
        caFile.toString());
    List<X509Certificate> trusted = run.tls.acmeTrust(cli);

    Instant restarted = Instant.now();
    try (ProxyProcess trusting = ProxyProcess.start(settings().source(),
        settings().process().withCertificates(new CertificateWiring.Options(tls, trusted,
            CertificateEvents.NONE, Clock.systemUTC(), Duration.ofMillis(100))))) {
      JsonNode issued = await("issued certificate on /status").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> certificate(trusting, "shop/web-tls"),
              c -> c != null && c.path("serving").asBoolean());
      assertThat(handshake(trusting.httpsPort(), host).getIssuerX500Principal().getName())
          .containsIgnoringCase("pebble");
      assertThat(issued.path("hosts").toString()).isEqualTo("[\"" + host + "\"]");
      assertThat(issued.path("issuer").asString()).containsIgnoringCase("pebble");
      assertThat(issued.path("daysLeft").asLong()).isPositive();
      assertThat(Instant.parse(issued.path("notAfter").asString())).isAfter(Instant.now());
      assertThat(Instant.parse(issued.path("lastOrder").asString())).isAfter(restarted);
      assertThat(issued.path("failures").asInt()).isZero();
      assertThat(issued.path("lastError").isNull()).isTrue();
      assertThat(issued.path("nextAttempt").isNull()).isTrue();
      assertThat(issued.path("storedIn").asString()).startsWith(acmeDir.toString()).endsWith(".pem");

      String status = status(trusting);
      JsonNode doc = JSON.readTree(status);
      assertThat(doc.path("leader").asBoolean()).as("the one standalone process orders").isTrue();
      JsonNode fallback = certificate(trusting, "default");
      assertThat(fallback.path("source").asString()).isEqualTo("default");
      assertThat(fallback.path("storedIn").asString()).isEqualTo("generated");
      assertThat(status).doesNotContain("PRIVATE KEY", "BEGIN CERTIFICATE");
    }
  }

  private StandaloneSettings settings() {
    return new StandaloneSettings(
        manifests,
        ServerSettings.defaults(new InetSocketAddress("127.0.0.1", PEBBLE.httpPort())),
        new InetSocketAddress("127.0.0.1", 0),
        IngressClassSelection.defaults(),
        null,
        Duration.ofMillis(50),
        Duration.ofMillis(500));
  }

  private static @Nullable JsonNode certificate(ProxyProcess runtime, String name)
      throws Exception {
    for (JsonNode certificate : JSON.readTree(status(runtime)).path("certificates")) {
      if (name.equals(certificate.path("name").asString())) {
        return certificate;
      }
    }
    return null;
  }

  private static String status(ProxyProcess runtime) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + runtime.adminPort() + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void issueAndServe(String host, ChallengeType type, boolean guarded) throws Exception {
    writeIngress(host, guarded);
    TlsConfig tls = TlsConfig.httpsOnly(new InetSocketAddress("127.0.0.1", PEBBLE.tlsPort()))
        .withAcme(PEBBLE.directory(), "ops@example.com", acmeDir);
    CertificateWiring.Options certs = new CertificateWiring.Options(
        tls.withChallengeTypes(List.of(type)), List.of(PEBBLE.caCertificate()),
        CertificateEvents.NONE, Clock.systemUTC(), Duration.ofMillis(100));
    StandaloneSettings settings = new StandaloneSettings(
        manifests,
        ServerSettings.defaults(new InetSocketAddress("127.0.0.1", PEBBLE.httpPort())),
        new InetSocketAddress("127.0.0.1", 0),
        IngressClassSelection.defaults(),
        null,
        Duration.ofMillis(50),
        Duration.ofMillis(500));
    try (ProxyProcess runtime =
        ProxyProcess.start(settings.source(), settings.process().withCertificates(certs))) {
      await("certificate for " + host).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> runtime.currentSnapshot().tls().bindingFor(host)
              .map(TlsBinding::hasCertificate).orElse(false));

      X509Certificate served = handshake(runtime.httpsPort(), host);
      assertThat(served.getSubjectAlternativeNames()).anySatisfy(
          name -> assertThat(name.get(1)).isEqualTo(host));
      assertThat(served.getIssuerX500Principal().getName()).containsIgnoringCase("pebble");
      if (guarded) {
        // Everything but the challenge path still redirects, then meets the guard over HTTPS.
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", runtime.proxyPort())) {
          plain.getOutputStream().write(("GET /private HTTP/1.1\r\nHost: " + host
              + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          assertThat(read(plain.getInputStream())).startsWith("HTTP/1.1 308");
        }
      }
    }
  }

  private void writeIngress(String host, boolean guarded) throws Exception {
    String auth = guarded ? """
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: web-users
        """ : "";
    Files.writeString(manifests.resolve("ingress.yaml"), TestManifests.acmeIngress(host, auth));
    if (guarded) {
      Files.writeString(manifests.resolve("users.yaml"), """
          apiVersion: v1
          kind: Secret
          metadata:
            name: web-users
            namespace: shop
          stringData:
            auth: "ops:$apr1$5Tq1/6Zm$VMy0.mQU1m2TN0wNvX2Mv1"
          """);
    }
  }

  private static X509Certificate handshake(int port, String host) throws Exception {
    return TlsProbe.peerCertificate(port, host);
  }

  private static String read(InputStream in) throws java.io.IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
