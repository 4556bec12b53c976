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
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code proxy-set-headers}, {@code add-headers} and {@code hide-headers} from
 * manifests to the wire, through a real Bollard in standalone mode and an echo backend: the
 * request headers the backend saw, the response headers the client gets, the route's own rules
 * winning, and an edit of the referenced ConfigMap taking effect.
 */
class HeaderMapsEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final String CONFIG = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: bollard-config-v1
        labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
      data:
        proxy-set-headers: ops/upstream-headers
        add-headers: ops/response-headers
        hide-headers: X-Echo-Uri
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: response-headers, namespace: ops}
      data:
        X-Frame-Options: DENY
        X-Served-Host: "$host"
      """;

  private static final String UPSTREAM_HEADERS = """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: upstream-headers, namespace: ops}
      data:
        X-Using-Bollard: "%s"
        X-Original-Uri: "$request_uri"
        X-Overridden: global
        X-Unknown: "$no_such_variable"
      """;

  @TempDir Path manifests;
  private TestBackend echo;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = TestBackend.start("echo", TestBackend.echo());
    Files.writeString(manifests.resolve("config.yaml"), CONFIG);
    Files.writeString(manifests.resolve("upstream-headers.yaml"),
        UPSTREAM_HEADERS.formatted("yes"));
    Files.writeString(manifests.resolve("app.yaml"), TestManifests.service("echo", echo.port())
        + TestManifests.ingress("plain", "echo", "")
        + TestManifests.ingress("own", "echo",
            "    bollard.dev/request-headers: \"set X-Overridden: ingress\"\n"
                + "    bollard.dev/response-headers: \"set X-Frame-Options: SAMEORIGIN\"\n"));
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().virtualHosts().size() == 2
        && !runtime.currentSnapshot().settings().headerMaps().request().isEmpty());
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void requestsGoUpstreamWithTheHeadersAndVariablesExpanded() throws Exception {
    String response = get("plain.localhost", "/a?b=1");
    assertThat(response).startsWith("HTTP/1.1 200");
    String body = body(response);
    assertThat(body).contains("x-using-bollard: yes\n", "x-original-uri: /a?b=1\n",
        "x-overridden: global\n");
    // A bad entry is left out; the others still apply.
    assertThat(body).doesNotContain("x-unknown");
  }

  @Test
  void responsesGetTheHeadersAndLoseTheHiddenOnes() throws Exception {
    String head = head(get("plain.localhost", "/"));
    assertThat(head).contains("x-frame-options: DENY\n", "x-served-host: plain.localhost\n",
        "x-echo-method: GET\n");
    assertThat(head).doesNotContain("x-echo-uri");
  }

  @Test
  void responsesBollardMakesGetThemToo() throws Exception {
    String head = head(get("nowhere.localhost", "/"));
    assertThat(head).startsWith("http/1.1 404").contains("x-frame-options: DENY\n");
  }

  @Test
  void theIngresssOwnRulesWin() throws Exception {
    String response = get("own.localhost", "/");
    assertThat(head(response)).contains("x-frame-options: SAMEORIGIN\n")
        .doesNotContain("DENY");
    assertThat(body(response)).contains("x-overridden: ingress\n")
        .doesNotContain("x-overridden: global");
  }

  @Test
  void anEditOfTheReferencedConfigMapTakesEffect() throws Exception {
    Files.writeString(manifests.resolve("upstream-headers.yaml"),
        UPSTREAM_HEADERS.formatted("edited"));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(body(get("plain.localhost", "/"))).contains("x-using-bollard: edited\n"));
  }

  private String get(String host, String path) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(5_000);
      String head = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** The response head, one line each, names in lower case (values as sent). */
  private static String head(String response) {
    StringBuilder out = new StringBuilder();
    for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
      int colon = line.indexOf(':');
      out.append(colon > 0 && !line.startsWith("HTTP/")
          ? line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon)
          : line.toLowerCase(Locale.ROOT)).append('\n');
    }
    return out.toString();
  }

  /** The echo's body: the request headers it got, names in lower case. */
  private static String body(String response) {
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    StringBuilder out = new StringBuilder();
    for (String line : body.split("\n")) {
      int colon = line.indexOf(':');
      out.append(colon > 0 ? line.substring(0, colon).toLowerCase(Locale.ROOT)
          + line.substring(colon) : line).append('\n');
    }
    return out.toString();
  }
}
