package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.echo.EchoBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

/** Basic-auth guards from manifests: annotations, Secrets rewritten while running, the global guard. */
class GuardStandaloneTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;

  private EchoBackend echo;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    echo = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "echo");
    Files.writeString(manifests.resolve("service.yaml"), """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: shop}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: echo, namespace: shop}
        subsets:
          - addresses: [{ip: 127.0.0.1}]
            ports: [{name: http, port: %d}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: preview
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: preview-auth
            nginx.ingress.kubernetes.io/auth-realm: Preview
        spec:
          ingressClassName: bollard
          rules:
            - host: app.preview.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {name: http}}}}
            - host: open.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {name: http}}}}
        """.formatted(echo.port()));
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void aChangedSecretTakesEffectWithoutRestart() throws Exception {
    writeSecret("shop", "preview-auth", "alice", "one");
    runtime = standalone.start(manifests);
    assertThat(get("app.preview.localhost", "/", null)).startsWith("HTTP/1.1 401")
        .contains("x-robots-tag: noindex, nofollow", "www-authenticate: Basic realm=\"Preview\"");
    assertThat(get("app.preview.localhost", "/", basic("alice", "one"))).startsWith("HTTP/1.1 200");
    // The open host on the same Ingress? No: the annotation guards every route of the Ingress.
    assertThat(get("open.localhost", "/", null)).startsWith("HTTP/1.1 401");

    writeSecret("shop", "preview-auth", "alice", "two");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(get("app.preview.localhost", "/", basic("alice", "two")))
            .startsWith("HTTP/1.1 200"));
    assertThat(get("app.preview.localhost", "/", basic("alice", "one"))).startsWith("HTTP/1.1 401");
  }

  @Test
  void aMissingSecretFailsClosed() throws Exception {
    runtime = standalone.start(manifests);
    assertThat(get("app.preview.localhost", "/", basic("alice", "one")))
        .startsWith("HTTP/1.1 503").contains("x-robots-tag: noindex, nofollow");
    assertThat(get("app.preview.localhost", "/robots.txt", null))
        .startsWith("HTTP/1.1 200").endsWith("User-agent: *\nDisallow: /\n");
  }

  @Test
  void theGlobalGuardCoversHostsWithoutAnnotation() throws Exception {
    Files.writeString(manifests.resolve("config.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          bollard-auth-hosts: "*.staging.localhost"
          bollard-auth-secret: ops/staging-auth
          bollard-auth-exempt-paths: /healthz
        """);
    Files.writeString(manifests.resolve("staging.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: staging, namespace: shop}
        spec:
          ingressClassName: bollard
          rules:
            - host: web.staging.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {name: http}}}}
        """);
    writeSecret("ops", "staging-auth", "bob", "pw");
    runtime = standalone.start(manifests);
    assertThat(get("web.staging.localhost", "/", null)).startsWith("HTTP/1.1 401");
    assertThat(get("web.staging.localhost", "/", basic("bob", "pw"))).startsWith("HTTP/1.1 200");
    assertThat(get("web.staging.localhost", "/healthz", null)).startsWith("HTTP/1.1 200");
  }

  private void writeSecret(String namespace, String name, String user, String password)
      throws Exception {
    String hash = "{SHA}" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
    Files.writeString(manifests.resolve("secret-" + name + ".yaml"), """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: %s}
        stringData:
          auth: "%s:%s"
        """.formatted(name, namespace, user, hash));
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private String get(String host, String path, @Nullable String authorization) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
