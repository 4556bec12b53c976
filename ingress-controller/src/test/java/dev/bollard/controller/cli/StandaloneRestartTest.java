package dev.bollard.controller.cli;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateStorage;
import dev.bollard.acme.RenewalState;
import dev.bollard.acme.testing.TestCertificates;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone restart with certificates an earlier run ordered: they are in the first snapshot,
 * so neither readiness nor the HTTPS listener ever shows the generated default certificate.
 */
class StandaloneRestartTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String HOST = "shop.example.com";

  @TempDir Path manifests;
  @TempDir Path acmeDir;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @Test
  void theFirstHandshakeAndReadinessAlreadyHaveTheStoredCertificate() throws Exception {
    writeIngress();
    TestCertificates.Issued ca = TestCertificates.ca("Earlier Run CA");
    TestCertificates.Issued leaf = TestCertificates.leaf(ca,
        Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(60, ChronoUnit.DAYS), HOST);
    CertificateStorage.directory(acmeDir.resolve("certificates")).storeCertificate("shop/web-tls",
        CertificateBundle.parse(leaf.certificatePem() + ca.certificatePem(),
            leaf.privateKeyPem()),
        RenewalState.succeeded(Instant.now().minus(1, ChronoUnit.DAYS)));

    int adminPort = freePort();
    int httpsPort = freePort();
    // Nothing answers at this directory: the stored certificate is not due, so nothing is ordered.
    TlsConfig tls = TlsConfig.httpsOnly(new InetSocketAddress(LOOPBACK, httpsPort))
        .withAcme(URI.create("http://127.0.0.1:9/directory"), "ops@example.com", acmeDir);
    StandaloneSettings settings = new StandaloneSettings(
        manifests,
        ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
        new InetSocketAddress(LOOPBACK, adminPort),
        IngressClassSelection.defaults(),
        null,
        // Long enough that a second snapshot bringing the stored certificate would come late.
        Duration.ofMillis(500),
        Duration.ofSeconds(2));

    // Probes from before the process starts: /readyz and handshakes, as a load balancer would.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<@Nullable X509Certificate> firstServed = new AtomicReference<>();
    AtomicBoolean readyBeforeFirstHandshake = new AtomicBoolean();
    CompletableFuture<Void> probes = CompletableFuture.runAsync(() -> {
      while (!stop.get() && firstServed.get() == null) {
        try {
          if (get(adminPort, "/readyz").startsWith("HTTP/1.1 200")) {
            readyBeforeFirstHandshake.set(true);
          }
        } catch (IOException notYetListening) {
          // Not bound yet.
        }
        try {
          firstServed.compareAndSet(null, TlsProbe.peerCertificate(httpsPort, HOST));
        } catch (Exception notYetServing) {
          // Not bound yet, or still starting.
        }
        // Probe pacing, like a load balancer's interval: not a wait for a condition.
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
    });

    runtime = standalone.start(settings, p -> p.withCertificates(
        CertificateWiring.Options.of(tls)));
    try {
      X509Certificate atOnce = TlsProbe.peerCertificate(runtime.httpsPort(), HOST);
      assertThat(atOnce).isEqualTo(leaf.certificate());
      assertThat(probes).succeedsWithin(WAIT);
    } finally {
      stop.set(true);
    }
    assertThat(firstServed.get()).isEqualTo(leaf.certificate());
    assertThat(readyBeforeFirstHandshake).isFalse();
    assertThat(get(adminPort, "/readyz")).startsWith("HTTP/1.1 200");
    assertThat(runtime.currentSnapshot().version()).isEqualTo(1);
  }

  private void writeIngress() throws IOException {
    Files.writeString(manifests.resolve("ingress.yaml"), TestManifests.acmeIngress(HOST, ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    }
  }

  private static String get(int port, String path) throws IOException {
    return RawHttp.get(port, "localhost", path);
  }
}
