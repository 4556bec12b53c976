package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bollard check} judges {@code ssl-passthrough} as {@code run} would: a problem naming the
 * flag without {@code --enable-ssl-passthrough} (or its variable), clean with it.
 */
class SslPassthroughCheckTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeManifests() throws IOException {
    Files.writeString(dir.resolve("argocd.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: argocd
          namespace: ops
          annotations:
            nginx.ingress.kubernetes.io/ssl-passthrough: "true"
        spec:
          ingressClassName: bollard
          tls:
            - hosts: [argocd.example.com]
          rules:
            - host: argocd.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: argocd-server, port: {name: https}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: argocd-server, namespace: ops}
        spec:
          ports:
            - {name: https, port: 443, targetPort: 8080}
        """);
  }

  @Test
  void withoutTheFlagTheAnnotationIsAProblemSayingToStartWithIt() {
    int code = run(Map.of(), "check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("Ingress ops/argocd: metadata.annotations["
        + "nginx.ingress.kubernetes.io/ssl-passthrough]: SSL passthrough is off: start Bollard"
        + " with --enable-ssl-passthrough");
  }

  @Test
  void withTheFlagOrItsVariableTheDirectoryIsClean() {
    assertThat(run(Map.of(), "check", "--enable-ssl-passthrough", dir.toString()))
        .as(out.toString()).isZero();
    assertThat(run(Map.of("BOLLARD_ENABLE_SSL_PASSTHROUGH", "true"), "check", dir.toString()))
        .as(out.toString()).isZero();
    assertThat(err.toString()).isEmpty();
  }

  private int run(Map<String, String> env, String... args) {
    return Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
