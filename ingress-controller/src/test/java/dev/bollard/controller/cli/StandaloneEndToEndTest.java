package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
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
    writeIngress("demo.localhost");
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

    writeIngress("other.localhost");
    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/hello"))
            .startsWith("HTTP/1.1 404"));
    assertThat(get(runtime.proxyPort(), "other.localhost", "/")).contains("\"server\": \"green\"");
  }

  @Test
  void theXForwardedPrefixAnnotationReachesTheBackendAndFollowsEdits() throws Exception {
    writeIngress("demo.localhost");
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
    writeIngress("demo.localhost");
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

    writeIngress("demo.localhost");
    writeEndpoints(runtime.echoPort().orElseThrow());

    await().atMost(WAIT).untilAsserted(
        () -> assertThat(get(runtime.proxyPort(), "demo.localhost", "/x"))
            .contains("\"server\": \"echo\"", "X-Log-User-Id: 42"));
  }

  @Test
  void gracefulShutdownStopsTheListeners() throws Exception {
    writeIngress("demo.localhost");
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
    return new StandaloneSettings(
        manifests,
        ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
        new InetSocketAddress(LOOPBACK, 0),
        IngressClassSelection.defaults(),
        echo,
        Duration.ofMillis(50),
        Duration.ofMillis(500));
  }

  private void writeIngress(String host) throws IOException {
    Files.writeString(
        manifests.resolve("ingress.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: demo
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: %s
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: echo
                        port:
                          number: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
          namespace: shop
        spec:
          ports:
            - name: http
              port: 80
              targetPort: http
        """
            .formatted(host));
  }

  private void writeEndpoints(int port) throws IOException {
    Path temp = manifests.resolve(".endpoints.yaml.tmp");
    Files.writeString(
        temp,
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: shop
          labels:
            kubernetes.io/service-name: echo
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
        ports:
          - name: http
            port: %d
        """
            .formatted(port));
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
