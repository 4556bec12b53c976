package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's custom error pages from YAML to the wire, through a real Bollard: the
 * annotations {@code custom-http-errors} and {@code default-backend}, the global key {@code
 * custom-http-errors} with the default backend of {@code spec.defaultBackend}, and a {@code
 * default-backend} serving a route whose Service has nothing ready. The error backends echo what
 * they were asked (the {@code X-} headers included) and name themselves in {@code X-Backend}.
 */
class CustomErrorPagesEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private TestBackend app;
  private TestBackend ownErrors;
  private TestBackend globalErrors;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    app = TestBackend.start("app", TestBackend.fixed(404, "the app's own 404\n"));
    ownErrors = TestBackend.start("own-errors", TestBackend.echo());
    globalErrors = TestBackend.start("global-errors", TestBackend.echo());
    Files.writeString(manifests.resolve("services.yaml"), service("app", app.port())
        + service("own-errors", ownErrors.port()) + service("global-errors", globalErrors.port())
        + """
        apiVersion: v1
        kind: Service
        metadata: {name: idle, namespace: shop}
        spec:
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: fallback, namespace: shop}
        spec:
          ingressClassName: bollard
          defaultBackend:
            service: {name: global-errors, port: {number: 80}}
        """);
    Files.writeString(manifests.resolve("ingresses.yaml"), ingress("annotated",
        "annotated.localhost", "app", """
            nginx.ingress.kubernetes.io/custom-http-errors: "404,503"
            nginx.ingress.kubernetes.io/default-backend: own-errors
        """)
        + ingress("plain", "plain.localhost", "app", "")
        + ingress("resting", "resting.localhost", "idle", """
            nginx.ingress.kubernetes.io/default-backend: own-errors
        """)
        // The app speaks plain HTTP: every handshake fails, a 502 the error page replaces.
        + ingress("secure", "secure.localhost", "app", """
            nginx.ingress.kubernetes.io/backend-protocol: HTTPS
            nginx.ingress.kubernetes.io/custom-http-errors: "502"
            nginx.ingress.kubernetes.io/default-backend: own-errors
            nginx.ingress.kubernetes.io/server-alias: alias.secure.localhost
        """));
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    app.close();
    ownErrors.close();
    globalErrors.close();
  }

  @Test
  void theAnnotationSendsTheErrorsToTheIngresssDefaultBackend() throws IOException {
    String response = RawHttp.get(runtime.proxyPort(), "annotated.localhost", "/missing?x=1");

    // The error backend's answer as it gave it (an echo says 200), never the app's body.
    assertThat(response).startsWith("HTTP/1.1 200").contains("X-Backend: own-errors")
        .doesNotContain("the app's own 404");
    assertThat(response.toLowerCase()).contains("x-echo-uri: /?x=1", "\nx-code: 404\n",
        "\nx-original-uri: /missing?x=1\n", "\nx-namespace: shop\n",
        "\nx-ingress-name: annotated\n", "\nx-service-name: app\n", "\nx-service-port: 80\n",
        "\nx-request-id: ");
  }

  @Test
  void theGlobalKeySendsEveryRoutesErrorsToTheDefaultBackend() throws Exception {
    assertThat(RawHttp.get(runtime.proxyPort(), "plain.localhost", "/missing"))
        .startsWith("HTTP/1.1 404").contains("the app's own 404");

    long version = runtime.currentSnapshot().version();
    Files.writeString(manifests.resolve("config.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          custom-http-errors: "404"
        """);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().version() > version);

    String plain = RawHttp.get(runtime.proxyPort(), "plain.localhost", "/missing");
    assertThat(plain).contains("X-Backend: global-errors").doesNotContain("the app's own 404");
    assertThat(plain.toLowerCase()).contains("\nx-code: 404\n", "\nx-ingress-name: plain\n");
    // The annotation's list and backend still win on their Ingress.
    assertThat(RawHttp.get(runtime.proxyPort(), "annotated.localhost", "/missing"))
        .contains("X-Backend: own-errors");
  }

  @Test
  void theDefaultBackendServesARouteWhoseServiceHasNothingReady() throws IOException {
    String response = RawHttp.get(runtime.proxyPort(), "resting.localhost", "/alma/armud");

    assertThat(response).startsWith("HTTP/1.1 200").contains("X-Backend: own-errors",
        "X-Echo-Uri: /alma/armud");
    assertThat(response.toLowerCase()).contains("\nx-code: 503\n", "\nx-service-name: idle\n",
        "\nx-ingress-name: resting\n");
  }

  @Test
  void theErrorPageOfAnHttpsRouteIsAskedForInPlainHttp() throws IOException {
    // ingress-nginx's error locations proxy_pass http://, whatever the route's backend-protocol.
    for (String host : new String[] {"secure.localhost", "alias.secure.localhost"}) {
      String response = RawHttp.get(runtime.proxyPort(), host, "/pay");

      assertThat(response).startsWith("HTTP/1.1 200").contains("X-Backend: own-errors");
      assertThat(response.toLowerCase()).contains("\nx-code: 502\n",
          "\nx-original-uri: /pay\n", "\nx-ingress-name: secure\n", "\nhost: " + host + "\n");
    }
  }

  private static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: shop}
        spec:
          ports: [{name: http, port: 80, targetPort: http}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %1$s-1
          namespace: shop
          labels: {kubernetes.io/service-name: %1$s}
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
        ports:
          - {name: http, port: %2$d}
        ---
        """.formatted(name, port);
  }

  private static String ingress(String name, String host, String service, String annotations) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
          annotations:
            bollard.dev/none: ""
        %s
        spec:
          ingressClassName: bollard
          rules:
            - host: %s
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: %s, port: {number: 80}}}
        ---
        """.formatted(name, annotations.stripTrailing(), host, service);
  }
}
