package dev.bollard.controller.cli;

import dev.bollard.controller.testing.TestManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.proxy.config.GlobalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's ConfigMap keys {@code server-tokens} and {@code keep-alive-requests} in a
 * versioned config, from the manifest directory to the wire, against a backend that sends its own
 * {@code Server} header on a keep-alive connection.
 */
class IngressNginxKeysEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private ServerSocket backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void startBackend() throws IOException {
    backend = new ServerSocket(0, 50, LOOPBACK);
    RawHttp.answerEach(backend, threads, IngressNginxKeysEndToEndTest::answerEach);
  }

  @AfterEach
  void stopAll() throws IOException {
    backend.close();
    threads.shutdownNow();
  }

  @Test
  void byDefaultNoServerHeaderAndAThousandRequestsPerConnection() throws Exception {
    writeRoutes();
    runtime = standalone.start(manifests);

    try (Socket client = connect()) {
      for (int i = 0; i < 3; i++) {
        String response = exchange(client, "shop.localhost");
        assertThat(response).startsWith("HTTP/1.1 200").endsWith("ok")
            .doesNotContainIgnoringCase("server:").doesNotContainIgnoringCase("connection: close");
      }
    }
    assertThat(RawHttp.get(runtime.proxyPort(), "nobody.localhost", "/"))
        .startsWith("HTTP/1.1 404").doesNotContainIgnoringCase("server:");
    assertThat(runtime.currentSnapshot().settings().keepAliveRequests())
        .isEqualTo(GlobalSettings.KEEP_ALIVE_REQUESTS);
  }

  @Test
  void aConfigVersionTurnsServerTokensOnAndClosesAfterItsRequestCount() throws Exception {
    writeRoutes();
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels:
            bollard.dev/config: bollard
            bollard.dev/config-version: "1"
        data:
          server-tokens: "true"
          keep-alive-requests: "2"
        """);
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().keepAliveRequests() == 2);

    try (Socket client = connect()) {
      String first = exchange(client, "shop.localhost");
      assertThat(first).startsWith("HTTP/1.1 200").containsIgnoringCase("server: Bollard")
          .doesNotContain("upstream/1.0").doesNotContainIgnoringCase("connection: close");
      String second = exchange(client, "shop.localhost");
      assertThat(second).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
      assertThat(client.getInputStream().read()).as("closed after the second response")
          .isEqualTo(-1);
    }
  }

  @Test
  void allowBackendServerHeaderPassesTheUpstreamsOnItsOwn() throws Exception {
    writeRoutes();
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels:
            bollard.dev/config: bollard
            bollard.dev/config-version: "1"
        data:
          allow-backend-server-header: "true"
        """);
    runtime = standalone.start(manifests);

    await().atMost(WAIT).untilAsserted(() -> {
      try (Socket client = connect()) {
        assertThat(exchange(client, "shop.localhost")).startsWith("HTTP/1.1 200")
            .containsIgnoringCase("server: upstream/1.0");
      }
    });
    assertThat(RawHttp.get(runtime.proxyPort(), "nobody.localhost", "/"))
        .startsWith("HTTP/1.1 404").doesNotContainIgnoringCase("server:");
  }

  @Test
  void keepAliveZeroTurnsKeepAliveOffAsInNginx() throws Exception {
    writeRoutes();
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels:
            bollard.dev/config: bollard
            bollard.dev/config-version: "1"
        data:
          keep-alive: "0"
        """);
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().keepAliveRequests() == 1);

    try (Socket client = connect()) {
      assertThat(exchange(client, "shop.localhost")).startsWith("HTTP/1.1 200")
          .containsIgnoringCase("connection: close");
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
  }

  private Socket connect() throws IOException {
    Socket client = new Socket(LOOPBACK, runtime.proxyPort());
    client.setSoTimeout(5_000);
    return client;
  }

  /** One keep-alive GET and its whole response (head and Content-Length body). */
  private static String exchange(Socket client, String host) throws IOException {
    client.getOutputStream().write(("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = client.getInputStream();
    String head = RawHttp.readHead(in);
    return head + new String(in.readNBytes(contentLength(head)), StandardCharsets.US_ASCII);
  }

  /** Answers every request of the connection, with a Server header of its own. */
  private static void answerEach(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (!RawHttp.readHead(in).isEmpty()) {
        out.write("HTTP/1.1 200 OK\r\nServer: upstream/1.0\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // The proxy closed the connection.
    }
  }

  private static int contentLength(String head) {
    String lower = head.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("content-length:");
    return at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
  }

  private void writeRoutes() throws IOException {
    RawHttp.replaceFile(manifests, "shop.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: shop.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        """ + TestManifests.appService(backend.getLocalPort()));
  }
}
