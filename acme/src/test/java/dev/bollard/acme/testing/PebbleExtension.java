package dev.bollard.acme.testing;

import static org.awaitility.Awaitility.await;

import dev.bollard.acme.AcmeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real ACME server for a test class: {@code pebble-challtestsrv} as a DNS server answering
 * 127.0.0.1 for every name, and {@code pebble} validating for real (no always-valid mode, no
 * sleeps) against {@link #httpPort()} (HTTP-01) and {@link #tlsPort()} (TLS-ALPN-01), where the
 * test starts its own listeners. Its HTTPS listener uses a CA generated here, which {@link
 * #settings()} trusts.
 *
 * <p>Register as {@code @RegisterExtension static final PebbleExtension PEBBLE = new
 * PebbleExtension();}. When the binaries are missing the test class fails (it does not skip):
 * install the Debian package {@code pebble}.
 */
public final class PebbleExtension implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final List<Process> processes = new ArrayList<>();
  private @Nullable Path directory;
  private @Nullable X509Certificate caCertificate;
  private int httpPort;
  private int tlsPort;
  private int acmePort;
  private @Nullable Thread shutdownHook;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path pebble = binary("pebble");
    Path challtestsrv = binary("pebble-challtestsrv");
    Path dir = Files.createTempDirectory("pebble");
    directory = dir;

    TestCertificates.Issued ca = TestCertificates.ca("Bollard test Pebble CA");
    TestCertificates.Issued listener =
        TestCertificates.leaf(
            ca,
            Instant.now().minusSeconds(3600),
            Instant.now().plus(Duration.ofDays(30)),
            "localhost",
            "127.0.0.1");
    caCertificate = ca.certificate();
    Files.writeString(dir.resolve("cert.pem"), listener.certificatePem() + ca.certificatePem());
    Files.writeString(dir.resolve("key.pem"), listener.privateKeyPem());

    int dnsPort = freeUdpAndTcpPort();
    int challManagementPort = freePort();
    acmePort = freePort();
    int managementPort = freePort();
    httpPort = freePort();
    tlsPort = freePort();

    start(
        dir,
        "challtestsrv",
        Map.of(),
        challtestsrv.toString(),
        "-dns01",
        "127.0.0.1:" + dnsPort,
        "-http01",
        "",
        "-https01",
        "",
        "-tlsalpn01",
        "",
        "-management",
        "127.0.0.1:" + challManagementPort,
        "-defaultIPv4",
        "127.0.0.1",
        "-defaultIPv6",
        "");
    Files.writeString(
        dir.resolve("pebble.json"),
        """
        {"pebble": {
          "listenAddress": "127.0.0.1:%d",
          "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s",
          "privateKey": "%s",
          "httpPort": %d,
          "tlsPort": %d,
          "ocspResponderURL": "",
          "externalAccountBindingRequired": false
        }}
        """
            .formatted(
                acmePort,
                managementPort,
                dir.resolve("cert.pem"),
                dir.resolve("key.pem"),
                httpPort,
                tlsPort));
    // PEBBLE_AUTHZREUSE=0 makes reuse of a valid authorization rare, not impossible: Pebble makes
    // a new one only when rand.Intn(100) > the percentage, so 1 order in 100 still reuses one. A
    // test that needs a validation after an issuance for the same name orders with another account.
    start(
        dir,
        "pebble",
        Map.of(
            "PEBBLE_VA_NOSLEEP",
            "1",
            "PEBBLE_VA_ALWAYS_VALID",
            "0",
            "PEBBLE_WFE_NONCEREJECT",
            "0",
            "PEBBLE_AUTHZREUSE",
            "0"),
        pebble.toString(),
        "-config",
        dir.resolve("pebble.json").toString(),
        "-dnsserver",
        "127.0.0.1:" + dnsPort);

    Thread hook = new Thread(this::stopProcesses, "pebble-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    shutdownHook = hook;
    awaitReady(dir, challManagementPort);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    stopProcesses();
    if (shutdownHook != null) {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The ACME directory URL. */
  public URI directory() {
    return URI.create("https://localhost:" + acmePort + "/dir");
  }

  /** The CA that signed Pebble's HTTPS listener certificate. */
  public X509Certificate caCertificate() {
    if (caCertificate == null) {
      throw new IllegalStateException(
          "Pebble not started (register the extension as a static field)");
    }
    return caCertificate;
  }

  /** Where Pebble connects for HTTP-01 validation: start the HTTP-01 listener on 127.0.0.1 here. */
  public int httpPort() {
    return httpPort;
  }

  /** Where Pebble connects for TLS-ALPN-01 validation: start the TLS listener on 127.0.0.1 here. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Settings for this server, trusting its CA, polling fast. */
  public AcmeSettings.Builder settings() {
    return AcmeSettings.builder(directory())
        .trustedCertificates(List.of(caCertificate()))
        .contactEmail("ops@example.com")
        .pollInterval(Duration.ofMillis(50))
        .timeout(Duration.ofSeconds(30));
  }

  private static Path binary(String name) {
    Optional<Path> found =
        Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
            .map(dir -> Path.of(dir, name))
            .filter(Files::isExecutable)
            .findFirst();
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "'"
                    + name
                    + "' not found on PATH: the ACME tests need a real ACME server. Install the"
                    + " Debian package: apt-get install pebble (it provides /usr/bin/pebble and"
                    + " /usr/bin/pebble-challtestsrv; CI's .ci/run installs it)."));
  }

  private void start(Path dir, String name, Map<String, String> environment, String... command)
      throws IOException {
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().putAll(environment);
    processes.add(builder.start());
  }

  private void awaitReady(Path dir, int challManagementPort) throws Exception {
    var trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", caCertificate());
    var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    var ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trustManagers.getTrustManagers(), null);
    var client =
        HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(1)).build();
    var request = HttpRequest.newBuilder(directory()).timeout(Duration.ofSeconds(2)).build();
    try {
      await("pebble directory at " + directory())
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                for (Process process : processes) {
                  if (!process.isAlive()) {
                    throw new IllegalStateException("exited with " + process.exitValue());
                  }
                }
                try (var socket = new Socket("127.0.0.1", challManagementPort)) {
                  socket.getPort();
                } catch (IOException e) {
                  return false;
                }
                try {
                  return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
                      == 200;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (RuntimeException e) {
      stopProcesses();
      throw new IllegalStateException(
          "Pebble did not start: "
              + e.getMessage()
              + "\n--- pebble.log\n"
              + log(dir, "pebble")
              + "\n--- challtestsrv.log\n"
              + log(dir, "challtestsrv"),
          e);
    }
  }

  private static String log(Path dir, String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void stopProcesses() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freeUdpAndTcpPort() {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (var udp = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
          var tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getByName("127.0.0.1"))) {
        return tcp.getLocalPort();
      } catch (IOException e) {
        // The UDP port is taken for TCP: try another.
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP on 127.0.0.1");
  }
}
