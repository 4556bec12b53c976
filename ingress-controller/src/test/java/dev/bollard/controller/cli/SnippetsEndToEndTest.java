package dev.bollard.controller.cli;

import dev.bollard.controller.testing.TestManifests;
import static dev.bollard.controller.testing.RawHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snippets and redirect annotations from YAML to the wire, through a real Bollard in standalone
 * mode to a Netty backend that echoes the request head it received: the seed team's headers-more
 * snippet, a snippet's {@code return} and {@code rewrite}, {@code permanent-redirect} and {@code
 * temporal-redirect}, and a snippet with {@code lua_…} and {@code proxy_pass} reported and not
 * applied.
 */
class SnippetsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private TestBackend backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    Files.writeString(manifests.resolve("app.yaml"), app(backend.port()));
    Files.writeString(manifests.resolve("ingresses.yaml"), String.join("---\n",
        ingress("headers", """
            nginx.ingress.kubernetes.io/configuration-snippet: |
              more_set_headers "X-Frame-Options: DENY" "X-Path: $uri";
              more_clear_headers Server X-Backend;
              more_set_input_headers "X-Real-Scheme: $scheme";
              proxy_set_header X-Original-Path $request_uri;
            """),
        ingress("moved", """
            nginx.ingress.kubernetes.io/configuration-snippet: |
              return 301 https://example.com$request_uri;
            """),
        ingress("renamed", """
            nginx.ingress.kubernetes.io/configuration-snippet: |
              rewrite ^/old/(.*)$ /new/$1 permanent;
            """),
        ingress("permanent", """
            nginx.ingress.kubernetes.io/permanent-redirect: https://new.example.com/landing
            nginx.ingress.kubernetes.io/permanent-redirect-code: "308"
            """),
        ingress("temporal", """
            nginx.ingress.kubernetes.io/temporal-redirect: https://maintenance.example.com
            """),
        ingress("badredirect", """
            nginx.ingress.kubernetes.io/permanent-redirect: ftp://files.example.com
            """),
        ingress("lua", """
            nginx.ingress.kubernetes.io/configuration-snippet: |
              more_set_headers "X-Frame-Options: DENY";
              lua_need_request_body on;
              proxy_pass http://evil.example.com;
            """)));
    runtime = standalone.start(manifests);
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(get(runtime.proxyPort(), "headers.localhost", "/")).startsWith("HTTP/1.1 200"));
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  @Test
  void theSeedTeamsHeadersMoreSnippetEditsBothWays() throws IOException {
    String response = get(runtime.proxyPort(), "headers.localhost", "/a?b=1");
    String head = head(response);
    assertThat(head).startsWith("http/1.1 200").contains("\r\nx-frame-options: deny\r\n")
        .doesNotContain("x-backend:");
    // The backend echoes the head it received.
    assertThat(body(response)).contains("x-real-scheme: http\n")
        .contains("x-original-path: /a?b=1\n");
  }

  @Test
  void aLineBreakInTheDecodedPathCannotSplitTheResponseHead() throws IOException {
    String head = head(get(runtime.proxyPort(), "headers.localhost",
        "/a%0d%0aSet-Cookie:%20stolen=1"));
    assertThat(head).startsWith("http/1.1 200")
        .contains("\r\nx-path: /a%0d%0aset-cookie: stolen=1\r\n")
        .doesNotContain("\r\nset-cookie:");
  }

  @Test
  void aSnippetsReturnAnswersEveryRequestWithTheUriAppendedByTheVariable() throws IOException {
    int before = backend.requests();
    String head = head(get(runtime.proxyPort(), "moved.localhost", "/shop/cart?id=7"));
    assertThat(head).startsWith("http/1.1 301")
        .contains("\r\nlocation: https://example.com/shop/cart?id=7\r\n");
    assertThat(backend.requests()).isEqualTo(before);
  }

  @Test
  void aSnippetsRewriteRedirectsMatchingPathsAndPassesTheOthers() throws IOException {
    assertThat(head(get(runtime.proxyPort(), "renamed.localhost", "/old/a/b?x=1")))
        .startsWith("http/1.1 301")
        .contains("\r\nlocation: http://renamed.localhost/new/a/b?x=1\r\n");
    String other = get(runtime.proxyPort(), "renamed.localhost", "/other");
    assertThat(head(other)).startsWith("http/1.1 200").contains("x-echo-uri: /other");
  }

  @Test
  void permanentAndTemporalRedirectsSendTheUrlAsWritten() throws IOException {
    assertThat(head(get(runtime.proxyPort(), "permanent.localhost", "/any/path?q=1")))
        .startsWith("http/1.1 308")
        .contains("\r\nlocation: https://new.example.com/landing\r\n");
    assertThat(head(get(runtime.proxyPort(), "temporal.localhost", "/x")))
        .startsWith("http/1.1 302")
        .contains("\r\nlocation: https://maintenance.example.com\r\n");
  }

  @Test
  void aSnippetWithLuaAndProxyPassIsReportedAndNotApplied() throws IOException {
    String response = get(runtime.proxyPort(), "lua.localhost", "/");
    assertThat(head(response)).startsWith("http/1.1 200").doesNotContain("x-frame-options")
        .contains("x-backend: app");
    String status = get(runtime.adminPort(), "admin", "/status/page");
    assertThat(status).contains("Ingress shop/lua")
        .contains("directive lua_need_request_body is not translated")
        .contains("directive proxy_pass is not translated");
  }

  @Test
  void aRefusedRedirectIsReportedAndTheIngressIsServedWithoutIt() throws IOException {
    assertThat(head(get(runtime.proxyPort(), "badredirect.localhost", "/")))
        .startsWith("http/1.1 200").contains("x-backend: app");
    assertThat(get(runtime.adminPort(), "admin", "/status/page")).contains("Ingress shop/badredirect")
        .contains("only http and https are valid protocols");
  }

  private static String head(String response) {
    return response.substring(0, response.indexOf("\r\n\r\n") + 2).toLowerCase(Locale.ROOT);
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4).toLowerCase(Locale.ROOT);
  }

  private static String ingress(String name, String annotations) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
          annotations:
        %s
        spec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        """.formatted(name, annotations.stripTrailing().indent(4).stripTrailing(), name);
  }

  private static String app(int port) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-v1
          namespace: default
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          allow-snippet-annotations: "true"
        """ + TestManifests.appService(port);
  }
}
