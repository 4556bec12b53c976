package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sticky sessions from YAML to the wire, through a real Bollard and real backends: a client without
 * cookie gets one and keeps its backend; the cookie's attributes; forged cookies; endpoints that
 * leave and join (balanced: only the changed endpoints' clients move; persistent: clients stay
 * while their endpoint is ready); an endpoint that goes down, with and without {@code
 * session-cookie-change-on-failure}; a canary on a sticky route, sticky and legacy.
 */
class StickySessionEndToEndTest {
  private static final String P = "nginx.ingress.kubernetes.io/";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path manifests;
  private final List<TestBackend> backends = new ArrayList<>();

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("a", "b", "c", "d", "canary")) {
      backends.add(TestBackend.start(name, TestBackend.echo()));
    }
    publish(List.of(backend("a"), backend("b"), backend("c")));
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    backends.forEach(TestBackend::close);
  }

  @Test
  void aClientWithoutCookieGetsOneAndAllItsRequestsHitTheSameBackend() throws Exception {
    for (String host : List.of("balanced", "persistent")) {
      Set<String> used = new HashSet<>();
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        for (int client = 0; client < 12; client++) {
          RawResponse first = get(c, host, null);
          String setCookie = first.header("set-cookie");
          assertThat(setCookie).as(host).startsWith("INGRESSCOOKIE=").contains("; Path=/;");
          String cookie = cookieOf(setCookie);
          String backend = first.header("x-backend");
          used.add(backend);
          for (int i = 0; i < 10; i++) {
            RawResponse again = get(c, host, "theme=dark; " + cookie);
            assertThat(again.header("x-backend")).as(host + " " + cookie).isEqualTo(backend);
            assertThat(again.header("set-cookie")).as("a usable cookie is not set again")
                .isNull();
          }
        }
      }
      assertThat(used).as(host + ": new clients are balanced").containsExactlyInAnyOrder(
          "a", "b", "c");
    }
  }

  @Test
  void theCookieCarriesTheAnnotationsAttributes() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      long before = System.currentTimeMillis() / 1000;
      String setCookie = get(c, "attributes", null).header("set-cookie");
      long after = System.currentTimeMillis() / 1000;
      assertThat(setCookie).matches("route=[0-9a-f]{32}\\|[0-9a-f]{16}; Expires=[^;]+;"
          + " Max-Age=1800; Domain=attributes\\.localhost; Path=/shop; Secure; HttpOnly;"
          + " SameSite=Strict");
      long expires = ZonedDateTime.parse(setCookie.replaceAll(".*Expires=([^;]+);.*", "$1"),
          DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
      assertThat(expires).isBetween(before + 7200, after + 7200);

      String none = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/65.0.3325.181 Safari/537.36";
      c.send("GET /shop HTTP/1.1\r\nHost: samesite.localhost\r\nUser-Agent: " + none + "\r\n\r\n");
      assertThat(c.read().header("set-cookie")).as("an old Chrome gets no SameSite=None")
          .doesNotContain("SameSite");
      c.send("GET /shop HTTP/1.1\r\nHost: samesite.localhost\r\nUser-Agent: Mozilla/5.0 (X11;"
          + " Linux x86_64) Chrome/120.0.0.0 Safari/537.36\r\n\r\n");
      assertThat(c.read().header("set-cookie")).endsWith("; HttpOnly; SameSite=None");
    }
  }

  @Test
  void aForgedOrGarbageCookieGetsAFreshValidAssignmentNeverAnError() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (String host : List.of("balanced", "persistent")) {
        for (String junk : List.of("garbage", "127.0.0.1:" + backends.get(0).port(), "|",
            "0123456789abcdef0123456789abcdef|ffffffffffffffff", "%00%0d%0a", "ZZZZ|ZZZZ")) {
          RawResponse r = get(c, host, "INGRESSCOOKIE=" + junk);
          assertThat(r.status()).as(host + " " + junk).isEqualTo(200);
          String cookie = cookieOf(r.header("set-cookie"));
          String backend = r.header("x-backend");
          RawResponse again = get(c, host, cookie);
          assertThat(again.header("x-backend")).isEqualTo(backend);
          assertThat(again.header("set-cookie")).isNull();
        }
      }
    }
  }

  /**
   * Balanced: 90 clients, then backend c leaves and later comes back with a fourth backend d.
   * Clients of a and b keep their backend when c leaves (exactly: their keys' ring arcs did not
   * change), c's clients move to a or b; with d, every client either keeps its first backend or
   * moves to d, and d takes part of them (a quarter expected: Binomial(90, 1/4), mean 22.5, sd
   * 4.1; at least 5 and at most 50 fails in fewer than one run in ten million, even allowing for
   * the ring's share error).
   */
  @Test
  void balancedClientsWhoseEndpointStayedKeepItWhenEndpointsChange() throws Exception {
    Map<String, String> firstBackend = clients("balanced", 90);
    publish(List.of(backend("a"), backend("b")));
    awaitEndpoints("balanced", 2);
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (var client : firstBackend.entrySet()) {
        RawResponse r = get(c, "balanced", client.getKey());
        assertThat(r.header("set-cookie")).as("the key is still usable").isNull();
        if (client.getValue().equals("c")) {
          assertThat(r.header("x-backend")).isIn("a", "b");
        } else {
          assertThat(r.header("x-backend")).isEqualTo(client.getValue());
        }
      }
    }
    publish(List.of(backend("a"), backend("b"), backend("c"), backend("d")));
    awaitEndpoints("balanced", 4);
    int toD = 0;
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (var client : firstBackend.entrySet()) {
        String now = get(c, "balanced", client.getKey()).header("x-backend");
        if (!now.equals(client.getValue())) {
          assertThat(now).as("keys only move to the new endpoint").isEqualTo("d");
          toD++;
        }
      }
    }
    assertThat(toD).isBetween(5, 50);
  }

  @Test
  void persistentClientsStayWhileTheirEndpointExists() throws Exception {
    Map<String, String> firstBackend = clients("persistent", 30);
    publish(List.of(backend("a"), backend("b"), backend("c"), backend("d")));
    awaitEndpoints("persistent", 4);
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (var client : firstBackend.entrySet()) {
        RawResponse r = get(c, "persistent", client.getKey());
        assertThat(r.header("x-backend")).isEqualTo(client.getValue());
        assertThat(r.header("set-cookie")).isNull();
      }
    }
    publish(List.of(backend("a"), backend("b"), backend("d")));
    awaitEndpoints("persistent", 3);
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (var client : firstBackend.entrySet()) {
        RawResponse r = get(c, "persistent", client.getKey());
        if (client.getValue().equals("c")) {
          String moved = r.header("x-backend");
          assertThat(moved).isIn("a", "b", "d");
          String cookie = cookieOf(r.header("set-cookie"));
          for (int i = 0; i < 3; i++) {
            assertThat(get(c, "persistent", cookie).header("x-backend")).isEqualTo(moved);
          }
        } else {
          assertThat(r.header("x-backend")).isEqualTo(client.getValue());
          assertThat(r.header("set-cookie")).isNull();
        }
      }
    }
  }

  /**
   * The client's backend goes down (its port closed). Without change-on-failure its cookie's
   * endpoint is still tried first: with proxy-next-upstream off that is a 502; with the default
   * retry another backend answers and the cookie is not changed. With change-on-failure the
   * backend that answered gets the cookie, and the client stays there.
   */
  @Test
  void changeOnFailureMovesTheCookieOnlyWhenAsked() throws Exception {
    for (String mode : List.of("balanced", "persistent")) {
      String cookie;
      String down;
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        RawResponse first = get(c, "keep-" + mode, null);
        cookie = cookieOf(first.header("set-cookie"));
        down = first.header("x-backend");
      }
      TestBackend gone = byName(down);
      gone.close();
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        c.send("GET / HTTP/1.1\r\nHost: strict-" + mode + ".localhost\r\nCookie: " + cookie
            + "\r\n\r\n");
        assertThat(c.read().status()).as(mode + ": the cookie's endpoint is tried first")
            .isEqualTo(502);
      }
      try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
        for (int i = 0; i < 3; i++) {
          RawResponse kept = get(c, "keep-" + mode, cookie);
          assertThat(kept.header("x-backend")).isNotEqualTo(down);
          assertThat(kept.header("set-cookie")).as(mode + ": the cookie is kept").isNull();
        }
        RawResponse changed = get(c, "change-" + mode, cookie);
        String now = changed.header("x-backend");
        assertThat(now).isNotEqualTo(down);
        String moved = cookieOf(changed.header("set-cookie"));
        assertThat(moved).isNotEqualTo(cookie);
        for (int i = 0; i < 5; i++) {
          RawResponse after = get(c, "change-" + mode, moved);
          assertThat(after.header("x-backend")).isEqualTo(now);
          assertThat(after.header("set-cookie")).isNull();
        }
      }
      // The next mode's client needs the three backends again.
      backends.remove(gone);
      TestBackend back = TestBackend.start(down, TestBackend.echo());
      backends.add(back);
      publish(List.of(backend("a"), backend("b"), backend("c")));
      awaitPort("keep-" + mode, back.port());
    }
  }

  /**
   * A canary at weight 50 on a sticky route: each client stays where its first request went, main
   * backend or canary (both are used: 40 clients all on one side has probability 2^-39). With
   * {@code affinity-canary-behavior: legacy} the canary sets no cookie, and a client with the main
   * backend's cookie never reaches the canary.
   */
  @Test
  void aClientStaysOnTheCanaryOrTheMainBackendItFirstReached() throws Exception {
    Set<String> used = new HashSet<>();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int client = 0; client < 40; client++) {
        RawResponse first = get(c, "with-canary", null);
        String backend = first.header("x-backend");
        used.add(backend.equals("canary") ? "canary" : "main");
        String cookie = cookieOf(first.header("set-cookie"));
        for (int i = 0; i < 5; i++) {
          RawResponse again = get(c, "with-canary", cookie);
          assertThat(again.header("x-backend")).as(cookie).isEqualTo(backend);
          assertThat(again.header("set-cookie")).isNull();
        }
      }
      assertThat(used).containsExactlyInAnyOrder("canary", "main");

      int canaryAnswers = 0;
      String mainCookie = null;
      String mainBackend = null;
      for (int i = 0; i < 40; i++) {
        RawResponse r = get(c, "legacy-canary", null);
        if (r.header("x-backend").equals("canary")) {
          canaryAnswers++;
          assertThat(r.header("set-cookie")).as("legacy: the canary is not sticky").isNull();
        } else if (mainCookie == null) {
          mainCookie = cookieOf(r.header("set-cookie"));
          mainBackend = r.header("x-backend");
        }
      }
      assertThat(canaryAnswers).isPositive();
      assertThat(mainCookie).isNotNull();
      for (int i = 0; i < 20; i++) {
        assertThat(get(c, "legacy-canary", mainCookie).header("x-backend")).isEqualTo(mainBackend);
      }
    }
  }

  /** {@code count} clients of {@code host}: each one's cookie and the backend that served it. */
  private Map<String, String> clients(String host, int count) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < count; i++) {
        RawResponse r = get(c, host, null);
        out.put(cookieOf(r.header("set-cookie")), r.header("x-backend"));
      }
    }
    assertThat(new HashSet<>(out.values())).containsExactlyInAnyOrder("a", "b", "c");
    return out;
  }

  private void awaitEndpoints(String host, int count) {
    await().atMost(WAIT).until(() -> backendOf(host + ".localhost").endpoints().size() == count);
  }

  private void awaitPort(String host, int port) {
    await().atMost(WAIT).until(() -> backendOf(host + ".localhost").endpoints().stream()
        .anyMatch(e -> e.port() == port));
  }

  private Backend backendOf(String host) {
    return runtime.currentSnapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host)).map(VirtualHost::routes)
        .flatMap(List::stream).map(Route::backend).findFirst().orElseThrow();
  }

  private TestBackend byName(String name) {
    return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
  }

  private int backend(String name) {
    return byName(name).port();
  }

  private static RawResponse get(RawHttpConnection c, String host, @Nullable String cookie)
      throws IOException {
    c.send("GET /" + (host.equals("attributes") ? "shop" : "") + " HTTP/1.1\r\nHost: " + host
        + ".localhost\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
    RawResponse response = c.read();
    assertThat(response.status()).as(host + " " + cookie).isEqualTo(200);
    return response;
  }

  /** The {@code name=value} of a Set-Cookie header, as a client sends it back. */
  private static String cookieOf(@Nullable String setCookie) {
    assertThat(setCookie).isNotNull();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** Writes the manifests with Service web's endpoints on these ports (atomically). */
  private void publish(List<Integer> ports) throws IOException {
    StringBuilder yaml = new StringBuilder(TestManifests.service("web"));
    for (int port : ports) {
      yaml.append(TestManifests.slice("web", "web-" + port, port));
    }
    yaml.append(TestManifests.service("canary", backend("canary")));
    yaml.append(ingress("with-canary", ""));
    yaml.append(ingress("legacy-canary", P + "affinity-canary-behavior: legacy\n"));
    for (String host : List.of("with-canary", "legacy-canary")) {
      yaml.append("""
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata:
            name: %s-canary
            namespace: shop
            annotations:
              %scanary: "true"
              %scanary-weight: "50"
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
                          name: canary
                          port:
                            number: 80
          ---
          """.formatted(host, P, P, host));
    }
    yaml.append(ingress("balanced", ""));
    yaml.append(ingress("persistent", P + "affinity-mode: persistent\n"));
    yaml.append(ingress("attributes", P + "affinity-mode: persistent\n"
        + P + "session-cookie-name: route\n" + P + "session-cookie-path: /shop\n"
        + P + "session-cookie-domain: attributes.localhost\n"
        + P + "session-cookie-samesite: strict\n" + P + "session-cookie-secure: \"true\"\n"
        + P + "session-cookie-expires: \"7200\"\n" + P + "session-cookie-max-age: \"1800\"\n"));
    yaml.append(ingress("samesite", P + "session-cookie-samesite: None\n"
        + P + "session-cookie-conditional-samesite-none: \"true\"\n"));
    for (String mode : List.of("balanced", "persistent")) {
      String m = P + "affinity-mode: " + mode + "\n";
      yaml.append(ingress("keep-" + mode, m));
      yaml.append(ingress("strict-" + mode, m + P + "proxy-next-upstream: \"off\"\n"));
      yaml.append(ingress("change-" + mode, m + P + "session-cookie-change-on-failure: \"true\"\n"));
    }
    Path temp = manifests.resolve(".sticky.yaml.tmp");
    Files.writeString(temp, yaml);
    Files.move(temp, manifests.resolve("sticky.yaml"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** An Ingress for {@code host}.localhost to Service web, with affinity and these lines. */
  private static String ingress(String host, String annotations) {
    StringBuilder lines = new StringBuilder("    " + P + "affinity: cookie\n");
    for (String line : annotations.split("\n")) {
      if (!line.isEmpty()) {
        lines.append("    ").append(line).append('\n');
      }
    }
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
          annotations:
        %sspec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - path: %s
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
        ---
        """.formatted(host, lines, host, host.equals("attributes") || host.equals("samesite")
            ? "/shop" : "/");
  }
}
