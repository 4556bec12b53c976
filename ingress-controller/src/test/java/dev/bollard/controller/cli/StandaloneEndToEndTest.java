package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.echo.EchoBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole standalone wiring in-process: manifests on disk, real echo backends on loopback, a real
 * proxy listener, requests over TCP.
 */
class StandaloneEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;

  private EchoBackend blue;
  private EchoBackend green;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void startBackends() throws InterruptedException {
    blue = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "blue");
    green = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "green");
  }

  @AfterEach
  void stopAll() {
    blue.close();
    green.close();
  }

  @Test
  void servesTheManifestsAndFollowsTheirChanges() throws Exception {
    writeIngress("demo");
    writeEndpoints(blue.port());
    runtime = standalone.start(settings(null));

    assertThat(get(runtime.adminPort(), "localhost", "/readyz")).startsWith("HTTP/1.1 200");
    assertThat(get(runtime.proxyPort(), "demo.localhost", "/hello"))
        .startsWith("HTTP/1.1 200")
        .contains("\"server\": \"blue\"", "\"uri\": \"/hello\"", "X-Log-Account: acme");

    writeEndpoints(green.port());
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/hello"))
            .contains("\"server\": \"green\""));

    writeIngress("other");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/hello"))
            .startsWith("HTTP/1.1 404"));
    assertThat(get(runtime.proxyPort(), "other.localhost", "/")).contains("\"server\": \"green\"");
  }

  @Test
  void theXForwardedPrefixAnnotationReachesTheBackendAndFollowsEdits() throws Exception {
    writeIngress("demo");
    String plain = Files.readString(manifests.resolve("ingress.yaml"));
    Files.writeString(manifests.resolve("ingress.yaml"), plain.replace(
        "  namespace: shop\nspec:",
        "  namespace: shop\n  annotations:\n"
            + "    nginx.ingress.kubernetes.io/x-forwarded-prefix: /shop\nspec:"));
    writeEndpoints(blue.port());
    runtime = standalone.start(settings(null));

    assertThat(get(runtime.proxyPort(), "demo.localhost", "/cart"))
        .startsWith("HTTP/1.1 200").containsIgnoringCase("\"x-forwarded-prefix\": \"/shop\"");

    // A value ingress-nginx would refuse: a problem, and the Ingress is served without it.
    Files.writeString(manifests.resolve("ingress.yaml"), plain.replace(
        "  namespace: shop\nspec:",
        "  namespace: shop\n  annotations:\n"
            + "    nginx.ingress.kubernetes.io/x-forwarded-prefix: '/a b'\nspec:"));
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/cart"))
            .startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("x-forwarded-prefix"));
  }

  @Test
  void aBrokenEditKeepsTheLastGoodRoutes() throws Exception {
    writeIngress("demo");
    writeEndpoints(blue.port());
    runtime = standalone.start(settings(null));
    long version = runtime.currentSnapshot().version();

    Files.writeString(manifests.resolve("ingress.yaml"), "apiVersion: [oops\n");
    // A later good change proves the broken file was read (rebuilds are ordered).
    writeEndpoints(green.port());

    await().atMost(WAIT).until(() -> runtime.currentSnapshot().version() > version);
    assertThat(get(runtime.proxyPort(), "demo.localhost", "/")).contains("\"server\": \"green\"");
  }

  @Test
  void theInProcessEchoBackendServesFilesWrittenAfterStart() throws Exception {
    runtime = standalone.start(settings(new InetSocketAddress(LOOPBACK, 0)));
    assertThat(get(runtime.adminPort(), "localhost", "/readyz")).startsWith("HTTP/1.1 200");

    writeIngress("demo");
    writeEndpoints(runtime.echoPort().orElseThrow());

    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/x"))
            .contains("\"server\": \"echo\"", "X-Log-User-Id: 42"));
  }

  @Test
  void gracefulShutdownStopsTheListeners() throws Exception {
    writeIngress("demo");
    writeEndpoints(blue.port());
    runtime = standalone.start(settings(null));
    int proxyPort = runtime.proxyPort();
    int adminPort = runtime.adminPort();

    runtime.shutdownGracefully(Duration.ofSeconds(1));

    assertThatThrownBy(() -> get(proxyPort, "demo.localhost", "/")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(adminPort, "localhost", "/healthz"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anAddressInUseIsNamed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
      StandaloneSettings base = settings(null);
      StandaloneSettings clash =
          new StandaloneSettings(
              base.manifests(),
              base.server(),
              new InetSocketAddress(LOOPBACK, taken.getLocalPort()),
              base.classes(),
              null,
              base.rebuildHoldOff(),
              base.rebuildMaxDelay());

      assertThatThrownBy(() -> standalone.start(clash))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("admin listener")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }
  }

  private StandaloneSettings settings(@Nullable InetSocketAddress echo) {
    return StandaloneFixture.settings(manifests, echo);
  }

  /** Ingress {@code shop/demo} for {@code HOST.localhost} to Service {@code shop/echo}. */
  private void writeIngress(String host) throws IOException {
    Files.writeString(manifests.resolve("ingress.yaml"),
        TestManifests.ingress("demo", host, "echo", "") + TestManifests.service("echo"));
  }

  private void writeEndpoints(int port) throws IOException {
    Path temp = manifests.resolve(".endpoints.yaml.tmp");
    Files.writeString(temp, TestManifests.slice("echo", "echo-1", port));
    // Like an editor: write aside, then rename over the real file.
    Files.move(
        temp,
        manifests.resolve("endpoints.yaml"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** One HTTP/1.1 request on a fresh connection; returns the raw response. */
  private static String get(int port, String host, String path) throws IOException {
    return RawHttp.get(port, host, path);
  }
}
