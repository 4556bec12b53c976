package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client address rules ({@code whitelist-source-range}) on the address a trusted proxy forwards:
 * with {@code use-forwarded-headers} and {@code proxy-real-ip-cidr} naming 127.0.0.1, a request
 * from that peer is allowed or denied by its {@code X-Forwarded-For} (nginx's {@code real_ip}
 * module, recursive: the last address no trusted proxy added); from 127.0.0.2, a peer outside the
 * CIDR, the header is ignored and the peer's own address decides, so nobody can forge their way
 * into an allow-list. Linux routes all of 127.0.0.0/8 to the loopback, so binding the client
 * socket to 127.0.0.2 gives the proxy a second, untrusted peer.
 */
class ForwardedClientAccessEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private TestBackend echo;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    Files.writeString(manifests.resolve("all.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          use-forwarded-headers: "true"
          proxy-real-ip-cidr: "127.0.0.1/32"
        ---
        """ + ingress("office", "192.0.2.0/24") + ingress("lab", "192.0.2.0/24, 127.0.0.2")
        + TestManifests.service("echo", echo.port()));
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().useForwardedHeaders()
        && runtime.currentSnapshot().virtualHosts().size() == 2);
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void aTrustedPeersForwardedAddressDecides() throws Exception {
    assertThat(get("127.0.0.1", "office.localhost", "192.0.2.7")).startsWith("HTTP/1.1 200");
    assertThat(get("127.0.0.1", "office.localhost", "203.0.113.5")).startsWith("HTTP/1.1 403");
    // The last address no trusted proxy added is the client: a forged first entry does not help.
    assertThat(get("127.0.0.1", "office.localhost", "192.0.2.7, 203.0.113.5"))
        .startsWith("HTTP/1.1 403");
    assertThat(get("127.0.0.1", "office.localhost", "203.0.113.5, 192.0.2.7"))
        .startsWith("HTTP/1.1 200");
    // Without the header the trusted peer itself is the client, and it is not in the list.
    assertThat(get("127.0.0.1", "office.localhost", null)).startsWith("HTTP/1.1 403");
    assertThat(echo.requests()).isEqualTo(2);
  }

  @Test
  void anUntrustedPeersForwardedForIsIgnored() throws Exception {
    // Forging an allowed address from an untrusted peer: the peer's own address is denied.
    assertThat(get("127.0.0.2", "office.localhost", "192.0.2.7")).startsWith("HTTP/1.1 403");
    // And an allowed peer is not denied by what it forwards.
    assertThat(get("127.0.0.2", "lab.localhost", "203.0.113.5")).startsWith("HTTP/1.1 200");
    assertThat(get("127.0.0.2", "lab.localhost", null)).startsWith("HTTP/1.1 200");
    assertThat(echo.requests()).isEqualTo(2);
  }

  /** One request on its own connection from {@code peer}, with {@code forwardedFor} if given. */
  private String get(String peer, String host, @Nullable String forwardedFor) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(peer), 0));
      socket.connect(new InetSocketAddress(LOOPBACK, runtime.proxyPort()), 5_000);
      socket.setSoTimeout(5_000);
      String head = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n") + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static String ingress(String name, String allowed) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/whitelist-source-range: "%s"
        spec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
        ---
        """.formatted(name, allowed, name);
  }
}
