package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
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
 * ingress-nginx's {@code custom-headers} when its ConfigMap is missing or holds a bad header name:
 * by default Bollard serves the Ingress without the headers (a problem says so); with the config's
 * {@code bollard-custom-headers-fail-closed} it answers 503 on the Ingress's routes, as
 * ingress-nginx denies such locations. A good ConfigMap's headers are set either way.
 */
class CustomHeadersEndToEndTest {
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
        metadata: {name: edge-headers, namespace: shop}
        data:
          X-Frame-Options: DENY
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: bad-headers, namespace: shop}
        data:
          "X Frame": DENY
        ---
        """
        + ingress("good", "edge-headers") + ingress("missing", "nope")
        + ingress("bad", "bad-headers") + TestManifests.service("echo", echo.port()));
    config(false);
    runtime = standalone.start(manifests);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().virtualHosts().size() == 3);
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void byDefaultABrokenReferenceServesTheIngressWithoutTheHeaders() throws Exception {
    assertThat(get("good.localhost").header("X-Frame-Options")).isEqualTo("DENY");
    RawResponse missing = get("missing.localhost");
    assertThat(missing.status()).isEqualTo(200);
    assertThat(missing.header("X-Frame-Options")).isNull();
    assertThat(get("bad.localhost").status()).isEqualTo(200);
    assertThat(echo.requests()).isEqualTo(3);
  }

  @Test
  void failClosedAnswers503OnTheIngressesWhoseHeadersCannotBeApplied() throws Exception {
    config(true);
    await().atMost(WAIT)
        .until(() -> runtime.currentSnapshot().settings().customHeadersFailClosed());
    assertThat(get("missing.localhost").status()).isEqualTo(503);
    assertThat(get("bad.localhost").status()).isEqualTo(503);
    RawResponse good = get("good.localhost");
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(echo.requests()).isEqualTo(1);
    // The ConfigMap appears: the Ingress is served, with its headers.
    Files.writeString(manifests.resolve("nope.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: nope, namespace: shop}
        data:
          X-Content-Type-Options: nosniff
        """);
    await().atMost(WAIT).until(() -> get("missing.localhost").status() == 200);
    assertThat(get("missing.localhost").header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  private RawResponse get(String host) throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      return c.get(host, "/").read();
    }
  }

  private void config(boolean failClosed) throws Exception {
    RawHttp.replaceFile(manifests, "config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          namespace: default
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          bollard-custom-headers-fail-closed: "%s"
        """.formatted(failClosed));
  }

  private static String ingress(String name, String configMap) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/custom-headers: %s
        spec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 80}}}}
        ---
        """.formatted(name, configMap, name);
  }
}
