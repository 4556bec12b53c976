package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enable-cors} from YAML to the wire, through a real Bollard and a real backend that counts
 * what reaches it: preflights answered by Bollard (before the Basic-auth guard, without
 * credentials), origin lists and wildcards, {@code *} never sent with credentials.
 */
class CorsEndToEndTest {
  private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
  private static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";

  @TempDir Path manifests;
  private TestBackend backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    Files.writeString(manifests.resolve("cors.yaml"), manifest(backend.port()));
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  @Test
  void aGuardedRoutesPreflightIsAnsweredWithoutCredentialsAndNeverReachesTheBackend()
      throws Exception {
    RawResponse preflight = preflight("api.localhost", "https://app.example.com");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header(ALLOW_ORIGIN)).isEqualTo("https://app.example.com");
    assertThat(preflight.header(ALLOW_CREDENTIALS)).isEqualTo("true");
    assertThat(preflight.header("Access-Control-Allow-Methods"))
        .isEqualTo("GET, PUT, POST, DELETE, PATCH, OPTIONS");
    assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("1728000");
    assertThat(backend.requests()).isZero();

    // The request itself still needs credentials; Bollard's 401 carries the CORS headers.
    RawResponse refused = request("GET", "api.localhost", "https://app.example.com", null);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header(ALLOW_ORIGIN)).isEqualTo("https://app.example.com");
    RawResponse served = request("GET", "api.localhost", "https://app.example.com",
        basic("alice", "secret"));
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header(ALLOW_ORIGIN)).isEqualTo("https://app.example.com");
    assertThat(served.header(ALLOW_CREDENTIALS)).isEqualTo("true");
    assertThat(served.header("Vary")).isEqualToIgnoringCase("origin");
    assertThat(backend.requests()).isEqualTo(1);
  }

  @Test
  void aWildcardMatchesOneLabelAndAnOriginThatDoesNotMatchGetsNoHeaders() throws Exception {
    RawResponse wildcard = preflight("api.localhost", "https://shop.example.org");
    assertThat(wildcard.status()).isEqualTo(204);
    assertThat(wildcard.header(ALLOW_ORIGIN)).isEqualTo("https://shop.example.org");

    for (String origin : new String[] {"https://evil.test", "https://a.b.example.org",
        "https://example.org", "https://evil.test/https://app.example.com"}) {
      // Not answered by CORS: the guard asks for credentials, without any CORS header.
      RawResponse preflight = preflight("api.localhost", origin);
      assertThat(preflight.status()).as(origin).isEqualTo(401);
      assertThat(preflight.header(ALLOW_ORIGIN)).as(origin).isNull();
      RawResponse served = request("GET", "api.localhost", origin, basic("alice", "secret"));
      assertThat(served.status()).as(origin).isEqualTo(200);
      assertThat(served.header(ALLOW_ORIGIN)).as(origin).isNull();
      assertThat(served.header(ALLOW_CREDENTIALS)).as(origin).isNull();
    }
  }

  @Test
  void aStarIsSentAsStarWithoutCredentials() throws Exception {
    RawResponse preflight = preflight("open.localhost", "https://anyone.test");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header(ALLOW_ORIGIN)).isEqualTo("*");
    assertThat(preflight.header(ALLOW_CREDENTIALS)).isNull();
    assertThat(preflight.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
    assertThat(preflight.header("Access-Control-Expose-Headers")).isEqualTo("X-Total-Count");
    assertThat(backend.requests()).isZero();

    RawResponse served = request("POST", "open.localhost", "https://anyone.test", null);
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header(ALLOW_ORIGIN)).isEqualTo("*");
    assertThat(served.header(ALLOW_CREDENTIALS)).isNull();
    assertThat(backend.requests()).isEqualTo(1);
  }

  @Test
  void withoutEnableCorsAPreflightGoesToTheBackend() throws Exception {
    RawResponse preflight = preflight("plain.localhost", "https://app.example.com");
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.header(ALLOW_ORIGIN)).isNull();
    assertThat(backend.requests()).isEqualTo(1);
  }

  @Test
  void aPreflightOverPlainHttpIsAnsweredBeforeTheHttpsRedirect() throws Exception {
    // ingress-nginx: the CORS block's "if ... return 204" runs in nginx's rewrite phase, before
    // the HTTPS redirect, which its Lua (rewrite_by_lua) does after the rewrite module.
    RawResponse preflight = preflight("secure.localhost", "https://app.example.com");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header(ALLOW_ORIGIN)).isEqualTo("https://app.example.com");
    // Other requests, and a preflight from an origin not allowed, are redirected.
    assertThat(request("GET", "secure.localhost", "https://app.example.com", null).status())
        .isEqualTo(308);
    RawResponse other = preflight("secure.localhost", "https://evil.test");
    assertThat(other.status()).isEqualTo(308);
    assertThat(other.header(ALLOW_ORIGIN)).isNull();
    assertThat(backend.requests()).isZero();
  }

  @Test
  void aPreflightIsAnsweredBeforeAPermanentRedirect() throws Exception {
    // ingress-nginx writes the CORS block above the location's "return 301 <url>": both are
    // rewrite-module directives, run in order, so the preflight gets its 204.
    RawResponse preflight = preflight("moved.localhost", "https://app.example.com");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header(ALLOW_ORIGIN)).isEqualTo("https://app.example.com");
    RawResponse moved = request("GET", "moved.localhost", "https://app.example.com", null);
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.header("Location")).isEqualTo("https://new.example.com");
    assertThat(preflight("moved.localhost", "https://evil.test").status()).isEqualTo(301);
    assertThat(backend.requests()).isZero();
  }

  private RawResponse preflight(String host, String origin) throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send("OPTIONS /items HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
          + "\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers:"
          + " content-type\r\n\r\n");
      return c.read();
    }
  }

  private RawResponse request(String method, String host, String origin,
      @Nullable String authorization) throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send(method + " /items HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
          + "\r\nContent-Length: 0\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n");
      return c.read();
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String manifest(int port) throws Exception {
    String hash = "{SHA}" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1").digest("secret".getBytes(StandardCharsets.UTF_8)));
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: api-auth, namespace: shop}
        stringData:
          auth: "alice:%s"
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app, namespace: shop}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: app, namespace: shop}
        subsets:
          - addresses: [{ip: 127.0.0.1}]
            ports: [{name: http, port: %d}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: api-auth
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: >-
              https://app.example.com, https://*.example.org
        spec:
          ingressClassName: bollard
          rules:
            - host: api.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: open
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "*"
            nginx.ingress.kubernetes.io/cors-allow-methods: "GET, POST"
            nginx.ingress.kubernetes.io/cors-expose-headers: "X-Total-Count"
        spec:
          ingressClassName: bollard
          rules:
            - host: open.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: secure
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
        spec:
          ingressClassName: bollard
          rules:
            - host: secure.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: moved
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/permanent-redirect: "https://new.example.com"
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
        spec:
          ingressClassName: bollard
          rules:
            - host: moved.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: plain, namespace: shop}
        spec:
          ingressClassName: bollard
          rules:
            - host: plain.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {name: http}}}}
        """.formatted(hash, port);
  }
}
