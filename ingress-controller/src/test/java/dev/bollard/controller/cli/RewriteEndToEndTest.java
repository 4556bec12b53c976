package dev.bollard.controller.cli;

import static dev.bollard.controller.testing.RawHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code use-regex} and {@code rewrite-target} from YAML to the wire: a real Bollard reading a
 * manifest directory, and Netty backends that answer with the request target they received
 * ({@code X-Echo-Uri}) and their name ({@code X-Backend}).
 */
class RewriteEndToEndTest {

  @TempDir Path manifests;
  private TestBackend rewritten;
  private TestBackend plain;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    rewritten = TestBackend.start("rewritten", TestBackend.echo());
    plain = TestBackend.start("plain", TestBackend.echo());
    Files.writeString(manifests.resolve("apps.yaml"), manifests());
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    rewritten.close();
    plain.close();
  }

  @Test
  void theCanonicalExampleRewritesToTheSecondGroupAndKeepsTheQuery() throws Exception {
    assertThat(upstreamOf("/something")).isEqualTo("rewritten /");
    assertThat(upstreamOf("/something/")).isEqualTo("rewritten /");
    assertThat(upstreamOf("/something/new")).isEqualTo("rewritten /new");
    assertThat(upstreamOf("/something/new/deeper?x=1&y=%20")).isEqualTo(
        "rewritten /new/deeper?x=1&y=%20");
    // Case-insensitive, as nginx's ~* location and (?i) rewrite.
    assertThat(upstreamOf("/SomeThing/Mixed")).isEqualTo("rewritten /Mixed");
  }

  @Test
  void groupsAreTakenFromThePathRegexInAnyOrder() throws Exception {
    assertThat(upstreamOf("/api/v2/users/7?q=1")).isEqualTo("rewritten /new/users/7/v2?q=1");
    // A group holding an encoded space or line break goes upstream encoded again.
    assertThat(upstreamOf("/api/v3/a%20b%0D%0A")).isEqualTo("rewritten /new/a%20b%0D/v3");
  }

  @Test
  void aRegexIngressChangesHowTheOtherIngressesOfItsHostMatch() throws Exception {
    // shop/plain has neither annotation, but its host has a regex path: its Prefix /plain is
    // matched as ingress-nginx's ~* "^/plain" (case-insensitive, a string prefix), unrewritten.
    assertThat(upstreamOf("/plain/x?k=v")).isEqualTo("plain /plain/x?k=v");
    assertThat(upstreamOf("/PLAIN/x")).isEqualTo("plain /PLAIN/x");
    assertThat(upstreamOf("/plainer")).isEqualTo("plain /plainer");
    // On a host without regex paths the same Ingress path keeps the Ingress semantics.
    assertThat(status("other.localhost", "/PLAIN/x")).isEqualTo(404);
    assertThat(get(runtime.proxyPort(), "other.localhost", "/plain/x"))
        .startsWith("HTTP/1.1 200").contains("X-Echo-Uri: /plain/x");
  }

  @Test
  void aPathRe2CannotCompileIsReportedAndSkippedWhileTheRestIsServed() throws Exception {
    assertThat(upstreamOf("/ok/1")).isEqualTo("plain /ok/1");
    assertThat(status("app.localhost", "/aa")).isEqualTo(404);
    assertThat(get(runtime.adminPort(), "localhost", "/status/page"))
        .contains("Ingress shop/bad", "spec.rules[0].http.paths[0].path",
            "nginx.ingress.kubernetes.io/use-regex", "this path is skipped");
  }

  @Test
  void xForwardedPrefixIsSentWithTheRewrittenTarget() throws Exception {
    // ingress-nginx's e2e x-forwarded-prefix test: rewrite-target /foo on path /.
    String response = get(runtime.proxyPort(), "xfp.localhost", "/?a=1");
    assertThat(response).startsWith("HTTP/1.1 200").contains("X-Echo-Uri: /foo?a=1")
        .containsIgnoringCase("x-forwarded-prefix: /test/value\n");
  }

  @Test
  void aPathologicalRegexAnswersPromptly() throws Exception {
    String path = "/x" + "a".repeat(4000) + "!";
    long started = System.nanoTime();
    assertThat(status("app.localhost", path)).isEqualTo(404);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  /** "backend target" the upstream saw for a GET of {@code target} on app.localhost. */
  private String upstreamOf(String target) throws IOException {
    String response = get(runtime.proxyPort(), "app.localhost", target);
    assertThat(response).as(target).startsWith("HTTP/1.1 200");
    return header(response, "X-Backend") + " " + header(response, "X-Echo-Uri");
  }

  private int status(String host, String target) throws IOException {
    return Integer.parseInt(get(runtime.proxyPort(), host, target).substring(9, 12));
  }

  private static String header(String response, String name) {
    int at = response.indexOf("\r\n" + name + ": ");
    assertThat(at).as(name + " in " + response).isPositive();
    int start = at + name.length() + 4;
    return response.substring(start, response.indexOf("\r\n", start));
  }

  private String manifests() {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: canonical
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/use-regex: "true"
            nginx.ingress.kubernetes.io/rewrite-target: /$2
        spec:
          ingressClassName: bollard
          rules:
            - host: app.localhost
              http:
                paths:
                  - path: /something(/|$)(.*)
                    pathType: ImplementationSpecific
                    backend: {service: {name: rewritten, port: {number: 80}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: captures
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/use-regex: "true"
            nginx.ingress.kubernetes.io/rewrite-target: /new/$2/$1
        spec:
          ingressClassName: bollard
          rules:
            - host: app.localhost
              http:
                paths:
                  - path: '/api/(v\\d+)/(.*)'
                    pathType: ImplementationSpecific
                    backend: {service: {name: rewritten, port: {number: 80}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: plain
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: app.localhost
              http:
                paths:
                  - path: /plain
                    pathType: Prefix
                    backend: {service: {name: plain, port: {number: 80}}}
            - host: other.localhost
              http:
                paths:
                  - path: /plain
                    pathType: Prefix
                    backend: {service: {name: plain, port: {number: 80}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: xfp
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/rewrite-target: /foo
            nginx.ingress.kubernetes.io/x-forwarded-prefix: /test/value
        spec:
          ingressClassName: bollard
          rules:
            - host: xfp.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: rewritten, port: {number: 80}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: bad
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/use-regex: "true"
        spec:
          ingressClassName: bollard
          rules:
            - host: app.localhost
              http:
                paths:
                  - path: '/(a)\\1'
                    pathType: ImplementationSpecific
                    backend: {service: {name: plain, port: {number: 80}}}
                  - path: /ok
                    pathType: ImplementationSpecific
                    backend: {service: {name: plain, port: {number: 80}}}
                  - path: /x(a+)+$
                    pathType: ImplementationSpecific
                    backend: {service: {name: plain, port: {number: 80}}}
        ---
        """ + TestManifests.service("rewritten", rewritten.port())
        + TestManifests.service("plain", plain.port());
  }
}
