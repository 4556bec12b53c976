package dev.bollard.controller.cli;

import dev.bollard.controller.testing.TestManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.testing.RawHttp;
import dev.bollard.proxy.testing.TlsProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code app-root}, {@code from-to-www-redirect}, {@code server-alias} and {@code upstream-vhost}
 * from YAML to the wire: a real Bollard on a manifest directory and an echo backend that answers
 * with the head it received.
 */
class HostAnnotationsEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private EchoBackend echo;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "echo");
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void theHostAnnotationsActOnTheWire() throws Exception {
    write("""
            nginx.ingress.kubernetes.io/app-root: /app
            nginx.ingress.kubernetes.io/from-to-www-redirect: "true"
            nginx.ingress.kubernetes.io/server-alias: alias.localhost
            nginx.ingress.kubernetes.io/upstream-vhost: internal.shop
        """, "");
    runtime = standalone.start(manifests);
    int port = runtime.proxyPort();

    assertThat(RawHttp.get(port, "shop.localhost", "/?q=1")).startsWith("HTTP/1.1 302")
        .containsIgnoringCase("location: http://shop.localhost/app\r\n");
    assertThat(RawHttp.get(port, "www.shop.localhost:8080", "/cart?id=7"))
        .startsWith("HTTP/1.1 308")
        .containsIgnoringCase("location: http://shop.localhost:8080/cart?id=7\r\n");
    String aliased = RawHttp.get(port, "alias.localhost", "/app");
    assertThat(aliased).startsWith("HTTP/1.1 200")
        .contains("\"server\": \"echo\"", "\"uri\": \"/app\"")
        .containsIgnoringCase("\"host\": \"internal.shop\"")
        .containsIgnoringCase("\"x-forwarded-host\": \"alias.localhost\"");
    assertThat(RawHttp.get(port, "alias.localhost", "/")).startsWith("HTTP/1.1 302")
        .containsIgnoringCase("location: http://alias.localhost/app\r\n");
  }

  @Test
  void anAliasIsGuardedByItsHostsBasicAndExternalAuth() throws Exception {
    // Per-location features in ingress-nginx, so on every server_name of the server: the alias
    // serves the host's routes with their guards. The auth service is down (a closed port): a
    // request that passes Basic auth is refused 500 by the external auth, never let through.
    String hash = "{SHA}" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1")
            .digest("s3cret".getBytes(StandardCharsets.UTF_8)));
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      closed = socket.getLocalPort();
    }
    write("""
            nginx.ingress.kubernetes.io/server-alias: alias.localhost
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: shop-auth
            nginx.ingress.kubernetes.io/auth-url: "http://127.0.0.1:%d/auth"
        """.formatted(closed), """
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: shop-auth, namespace: shop}
        stringData:
          auth: "alice:%s"
        """.formatted(hash));
    runtime = standalone.start(manifests);
    int port = runtime.proxyPort();
    String credentials = "Authorization: Basic " + Base64.getEncoder()
        .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

    for (String host : List.of("shop.localhost", "alias.localhost")) {
      assertThat(RawHttp.get(port, host, "/x")).as(host).startsWith("HTTP/1.1 401");
      assertThat(getWith(port, host, credentials)).as(host).startsWith("HTTP/1.1 500");
    }
  }

  /** One GET of {@code /x} with one more header line. */
  private static String getWith(int port, String host, String header) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET /x HTTP/1.1\r\nHost: " + host + "\r\n" + header
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aBadValueIsNotAppliedAndAnAliasNeverTakesARealHost() throws Exception {
    write("""
            nginx.ingress.kubernetes.io/server-alias: alias.localhost
            nginx.ingress.kubernetes.io/upstream-vhost: $service_name
        """, """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: real
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: alias.localhost
              http:
                paths:
                  - path: /real
                    pathType: Exact
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        """);
    runtime = standalone.start(manifests);
    int port = runtime.proxyPort();

    await().atMost(WAIT).untilAsserted(() -> assertThat(
        RawHttp.get(port, "shop.localhost", "/x")).startsWith("HTTP/1.1 200")
        .containsIgnoringCase("\"host\": \"shop.localhost\""));
    // alias.localhost is a host of its own: only its own path is served there.
    assertThat(RawHttp.get(port, "alias.localhost", "/real")).startsWith("HTTP/1.1 200");
    assertThat(RawHttp.get(port, "alias.localhost", "/x")).startsWith("HTTP/1.1 404");
    assertThat(runtime.currentSnapshot().virtualHosts()).extracting(v -> v.hostPattern())
        .containsExactly("alias.localhost", "shop.localhost");
  }

  @Test
  void addedNamesGetTheHostsCertificateWhereItCoversThemAndRedirectOverHttps() throws Exception {
    // Secret shop/shop-tls of the translation fixture: shop.example.com and *.preview.example.com.
    String fixture = new String(HostAnnotationsEndToEndTest.class
        .getResourceAsStream("/translate/host-annotations.yaml").readAllBytes(),
        StandardCharsets.UTF_8);
    String secret = Arrays.stream(fixture.split("\n---\n"))
        .filter(d -> d.contains("kind: Secret")).findFirst().orElseThrow();
    RawHttp.replaceFile(manifests, "secret.yaml", secret);
    write("""
            nginx.ingress.kubernetes.io/from-to-www-redirect: "true"
            nginx.ingress.kubernetes.io/server-alias: a.preview.example.com,other.example.net
        """, "", "shop.example.com", "  tls:\n    - {hosts: [shop.example.com], secretName: shop-tls}\n");
    runtime = standalone.start(manifests);
    int https = runtime.httpsPort();

    await().atMost(WAIT).untilAsserted(() -> assertThat(
        TlsProbe.peerCertificate(https, "shop.example.com").getSubjectX500Principal().getName())
        .contains("shop.example.com"));
    assertThat(TlsProbe.peerCertificate(https, "a.preview.example.com")
        .getSubjectX500Principal().getName()).contains("shop.example.com");
    assertThat(TlsProbe.peerCertificate(https, "other.example.net")
        .getSubjectX500Principal().getName()).doesNotContain("shop.example.com");
    assertThat(TlsProbe.peerCertificate(https, "www.shop.example.com")
        .getSubjectX500Principal().getName()).doesNotContain("shop.example.com");

    assertThat(httpsGet(https, "www.shop.example.com", "/cart?id=7")).startsWith("HTTP/1.1 308")
        .containsIgnoringCase("location: https://shop.example.com/cart?id=7\r\n");
    assertThat(httpsGet(https, "a.preview.example.com", "/x")).startsWith("HTTP/1.1 200")
        .containsIgnoringCase("\"host\": \"a.preview.example.com\"");
    // Plain HTTP: the alias with a certificate is redirected to HTTPS, the one without is not.
    assertThat(RawHttp.get(runtime.proxyPort(), "a.preview.example.com", "/x"))
        .startsWith("HTTP/1.1 308")
        .containsIgnoringCase("location: https://a.preview.example.com/x\r\n");
    assertThat(RawHttp.get(runtime.proxyPort(), "other.example.net", "/x"))
        .startsWith("HTTP/1.1 200");
  }

  /** One GET over TLS with SNI and Host {@code host}; the raw response. */
  private static String httpsGet(int port, String host, String path) throws Exception {
    try (SSLSocket socket = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      socket.setSSLParameters(parameters);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void write(String annotations, String more) throws IOException {
    write(annotations, more, "shop.localhost", "");
  }

  private void write(String annotations, String more, String host, String tls)
      throws IOException {
    RawHttp.replaceFile(manifests, "shop.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: main
          namespace: shop
          creationTimestamp: "2024-01-01T00:00:00Z"
          annotations:
        %sspec:
          ingressClassName: bollard
        %s  rules:
            - host: %s
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        """.formatted(annotations, tls, host) + TestManifests.appService(echo.port()) + more);
  }
}
