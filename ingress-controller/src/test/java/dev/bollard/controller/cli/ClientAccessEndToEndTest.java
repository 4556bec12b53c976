package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client address rules from manifests to the wire, behind PROXY protocol (the address in the
 * header decides, not the peer's 127.0.0.1): {@code allowlist-source-range} and {@code
 * denylist-source-range} on a Basic-auth guarded Ingress (403 before any 401), the ConfigMap's
 * {@code whitelist-source-range} on an Ingress without its own, {@code block-cidrs} and {@code
 * block-user-agents} and {@code block-referers} everywhere, {@code satisfy: any}, and a bad
 * annotation failing closed with 503.
 */
class ClientAccessEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private TestBackend echo;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    String hash = "{SHA}" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1").digest("pw".getBytes(StandardCharsets.UTF_8)));
    Files.writeString(manifests.resolve("all.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          use-proxy-protocol: "true"
          whitelist-source-range: "203.0.113.0/24"
          block-cidrs: "198.51.100.66"
          block-user-agents: "~*badbot"
          block-referers: '~*://([^/]*\\.)?spam\\.example/,http://bad.example/'
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: office-auth, namespace: shop}
        stringData:
          auth: "alice:%s"
        ---
        """.formatted(hash)
        + TestManifests.service("echo", echo.port())
        + TestManifests.ingress("office", "office", "echo", annotations(
            "allowlist-source-range: \"192.0.2.0/24, 2001:db8::/32\"",
            "denylist-source-range: \"192.0.2.66\"", "auth-type: basic",
            "auth-secret: office-auth"))
        + TestManifests.ingress("office-any", "any", "echo", annotations("satisfy: any",
            "allowlist-source-range: \"192.0.2.0/24\"", "denylist-source-range: \"192.0.2.66\"",
            "auth-type: basic", "auth-secret: office-auth"))
        + TestManifests.ingress("config-any", "config-any", "echo", annotations("satisfy: any",
            "auth-type: basic", "auth-secret: office-auth"))
        + TestManifests.ingress("open", "open", "echo", "")
        + TestManifests.ingress("broken", "broken", "echo", annotations(
            "whitelist-source-range: \"192.0.2.0/24,192.0.2.300\"")));
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().useProxyProtocol());
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void anAllowListedOutClientGets403BeforeTheGuardsChallenge() throws Exception {
    assertThat(get("192.0.2.7", "office.localhost", null)).startsWith("HTTP/1.1 401");
    assertThat(get("192.0.2.7", "office.localhost", "alice:pw")).startsWith("HTTP/1.1 200");
    // Outside the Ingress's allow-list (its own replaces the ConfigMap's): 403, no challenge.
    assertThat(get("203.0.113.5", "office.localhost", null)).startsWith("HTTP/1.1 403")
        .doesNotContainIgnoringCase("www-authenticate");
    // In the allow-list but denied: denied wins.
    assertThat(get("192.0.2.66", "office.localhost", "alice:pw")).startsWith("HTTP/1.1 403");
    // IPv6 clients, from a PROXY TCP6 header.
    assertThat(get("2001:db8::7", "office.localhost", null)).startsWith("HTTP/1.1 401");
    assertThat(get("2001:db9::7", "office.localhost", null)).startsWith("HTTP/1.1 403");
    assertThat(echo.requests()).isEqualTo(1);
  }

  @Test
  void withSatisfyAnyTheAllowListOrTheCredentialsLetAClientIn() throws Exception {
    // In the allow-list: no credentials needed, and unchecked ones do not go upstream.
    assertThat(get("192.0.2.7", "any.localhost", null)).startsWith("HTTP/1.1 200");
    assertThat(get("192.0.2.7", "any.localhost", "admin:forged")).startsWith("HTTP/1.1 200")
        .doesNotContainIgnoringCase("authorization:");
    // Outside it: the guard's challenge (nginx's 401 wins over the address rule's 403), and in
    // with the right credentials only.
    assertThat(get("203.0.113.5", "any.localhost", null)).startsWith("HTTP/1.1 401")
        .containsIgnoringCase("www-authenticate: Basic");
    assertThat(get("203.0.113.5", "any.localhost", "alice:wrong")).startsWith("HTTP/1.1 401");
    assertThat(get("203.0.113.5", "any.localhost", "alice:pw")).startsWith("HTTP/1.1 200");
    // A denied address stays out whatever it sends (stricter than nginx).
    assertThat(get("192.0.2.66", "any.localhost", "alice:pw")).startsWith("HTTP/1.1 403");
    // The ConfigMap's allow-list counts as the Ingress's own would.
    assertThat(get("203.0.113.5", "config-any.localhost", null)).startsWith("HTTP/1.1 200");
    assertThat(get("192.0.2.7", "config-any.localhost", null)).startsWith("HTTP/1.1 401");
    assertThat(get("192.0.2.7", "config-any.localhost", "alice:pw")).startsWith("HTTP/1.1 200");
    assertThat(echo.requests()).isEqualTo(5);
  }

  @Test
  void theConfigMapsAllowListCoversIngressesWithoutTheirOwn() throws Exception {
    assertThat(get("203.0.113.5", "open.localhost", null)).startsWith("HTTP/1.1 200");
    assertThat(get("192.0.2.7", "open.localhost", null)).startsWith("HTTP/1.1 403");
  }

  @Test
  void blockedAddressesAndAgentsGet403Everywhere() throws Exception {
    assertThat(get("198.51.100.66", "open.localhost", null)).startsWith("HTTP/1.1 403");
    assertThat(get("198.51.100.66", "nobody.localhost", null)).startsWith("HTTP/1.1 403");
    assertThat(get("203.0.113.5", "nobody.localhost", null)).startsWith("HTTP/1.1 404");
    assertThat(request("203.0.113.5", "open.localhost", null, "Mozilla/5.0 (BadBot 2.1)"))
        .startsWith("HTTP/1.1 403");
    assertThat(request("203.0.113.5", "open.localhost", null, "Mozilla/5.0"))
        .startsWith("HTTP/1.1 200");
    assertThat(referred("https://www.SPAM.example/offer", "open.localhost"))
        .startsWith("HTTP/1.1 403");
    assertThat(referred("HTTP://BAD.example/", "nobody.localhost")).startsWith("HTTP/1.1 403");
    assertThat(referred("http://bad.example/page", "open.localhost")).startsWith("HTTP/1.1 200");
    assertThat(referred("https://spam.example.org/", "open.localhost")).startsWith("HTTP/1.1 200");
  }

  /** One request with {@code Referer: referer} from an allowed client. */
  private String referred(String referer, String host) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(5_000);
      String head = "PROXY TCP4 203.0.113.5 127.0.0.1 4711 80\r\n"
          + "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nReferer: " + referer
          + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aBadAddressAnnotationFailsClosed() throws Exception {
    assertThat(get("192.0.2.7", "broken.localhost", null)).startsWith("HTTP/1.1 503");
    assertThat(echo.requests()).isZero();
  }

  /** The metadata lines of ingress-nginx annotations, each {@code key: value}. */
  private static String annotations(String... lines) {
    StringBuilder out = new StringBuilder("  annotations:\n");
    for (String line : lines) {
      out.append("    nginx.ingress.kubernetes.io/").append(line).append('\n');
    }
    return out.toString();
  }

  private String get(String client, String host, @Nullable String credentials)
      throws IOException {
    return request(client, host, credentials, null);
  }

  /** One request on its own connection, from {@code client} as the PROXY header says. */
  private String request(String client, String host, @Nullable String credentials,
      @Nullable String agent) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(5_000);
      String head = (client.contains(":") ? "PROXY TCP6 " + client + " ::1"
          : "PROXY TCP4 " + client + " 127.0.0.1") + " 4711 80\r\n"
          + "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + (credentials == null ? "" : "Authorization: Basic " + Base64.getEncoder()
              .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) + "\r\n")
          + (agent == null ? "" : "User-Agent: " + agent + "\r\n") + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
