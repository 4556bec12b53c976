package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary Ingresses from YAML to the wire, through a real Bollard and two real backends ("stable"
 * behind the main Ingresses, "canary" behind the canary ones): the header ({@code always}, {@code
 * never}, a value, a pattern), then the cookie, then the weight, checked statistically.
 */
class CanaryEndToEndTest {
  private static final String P = "nginx.ingress.kubernetes.io/";

  @TempDir Path manifests;
  private TestBackend stable;
  private TestBackend canary;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    stable = TestBackend.start("stable", TestBackend.echo());
    canary = TestBackend.start("canary", TestBackend.echo());
    Files.writeString(manifests.resolve("canary.yaml"), manifest());
    runtime = standalone.start(manifests);
  }

  @AfterEach
  void stop() {
    stable.close();
    canary.close();
  }

  @Test
  void theHeaderAlwaysAndNeverDecideBeforeTheCookieAndTheWeight() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      // Weight 100 on this host: without header and cookie every request is the canary's.
      assertThat(backend(c, "order.localhost", "")).isEqualTo("canary");
      assertThat(backend(c, "order.localhost", "X-Canary: never\r\n")).isEqualTo("stable");
      assertThat(backend(c, "order.localhost", "X-Canary: never\r\nCookie: canary=always\r\n"))
          .isEqualTo("stable");
      assertThat(backend(c, "order.localhost", "Cookie: a=1; canary=never\r\n"))
          .isEqualTo("stable");
      // Another header value falls through to the cookie.
      assertThat(backend(c, "order.localhost", "X-Canary: maybe\r\nCookie: canary=never\r\n"))
          .isEqualTo("stable");
      // Weight 0 on this host: only the header or cookie sends to the canary.
      assertThat(backend(c, "header.localhost", "")).isEqualTo("stable");
      assertThat(backend(c, "header.localhost", "X-Canary: always\r\n")).isEqualTo("canary");
      assertThat(backend(c, "header.localhost", "X-Canary: always\r\nCookie: canary=never\r\n"))
          .isEqualTo("canary");
      assertThat(backend(c, "header.localhost", "Cookie: canary=always\r\n"))
          .isEqualTo("canary");
      assertThat(backend(c, "header.localhost", "Cookie: canary=sometimes\r\n"))
          .isEqualTo("stable");
    }
  }

  @Test
  void aHeaderValueOrPatternSelectsTheCanary() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      assertThat(backend(c, "value.localhost", "X-Canary: blue\r\n")).isEqualTo("canary");
      assertThat(backend(c, "value.localhost", "X-Canary: always\r\n")).isEqualTo("stable");
      assertThat(backend(c, "value.localhost", "X-Canary: bluer\r\n")).isEqualTo("stable");
      assertThat(backend(c, "pattern.localhost", "X-Canary: green\r\n")).isEqualTo("canary");
      assertThat(backend(c, "pattern.localhost", "X-Canary: greener\r\n")).isEqualTo("stable");
      assertThat(backend(c, "pattern.localhost", "")).isEqualTo("stable");
    }
  }

  /**
   * 1,000 requests at weight 30 of 100: the canary count is Binomial(1000, 0.3), mean 300, standard
   * deviation 14.5. Between 250 and 350 (25% to 35%) is 3.45 standard deviations either way: a
   * correct proxy fails this less than once in 1,700 runs; one that ignored the weight (0 or 1,000)
   * or used the wrong total (30 of 1,000: mean 30) never passes.
   */
  @Test
  void theWeightSendsItsShareToTheCanary() throws Exception {
    int toCanary = 0;
    int requests = 1000;
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < requests; i++) {
        if (backend(c, "weight.localhost", "").equals("canary")) {
          toCanary++;
        }
      }
    }
    assertThat(toCanary).isBetween(250, 350);
    assertThat(canary.requests()).isEqualTo(toCanary);
  }

  @Test
  void aBadWeightIsNotAppliedAndTheMainIngressServes() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < 20; i++) {
        assertThat(backend(c, "bad.localhost", "")).isEqualTo("stable");
      }
      assertThat(backend(c, "bad.localhost", "X-Canary: always\r\n")).isEqualTo("canary");
      // A canary without a main Ingress serves nothing: its host is unknown (404).
      c.get("orphan.localhost", "/");
      assertThat(c.read().status()).isEqualTo(404);
    }
    assertThat(stable.requests() + canary.requests()).isEqualTo(21);
  }

  private static String backend(RawHttpConnection c, String host, String headers)
      throws IOException {
    c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "\r\n");
    RawResponse response = c.read();
    assertThat(response.status()).as(host + " " + headers).isEqualTo(200);
    return response.header("x-backend");
  }

  private String manifest() {
    StringBuilder yaml = new StringBuilder();
    yaml.append(TestManifests.service("stable", stable.port()))
        .append(TestManifests.service("canary", canary.port()));
    for (String host : new String[] {"order", "header", "value", "pattern", "weight", "bad"}) {
      yaml.append(ingress(host + "-main", host, "stable", ""));
    }
    yaml.append(ingress("order-canary", "order", "canary", annotations(
        "canary-by-header", "X-Canary", "canary-by-cookie", "canary", "canary-weight", "100")));
    yaml.append(ingress("header-canary", "header", "canary", annotations(
        "canary-by-header", "X-Canary", "canary-by-cookie", "canary")));
    yaml.append(ingress("value-canary", "value", "canary", annotations(
        "canary-by-header", "X-Canary", "canary-by-header-value", "blue")));
    yaml.append(ingress("pattern-canary", "pattern", "canary", annotations(
        "canary-by-header", "X-Canary", "canary-by-header-pattern", "^(blue|green)$")));
    yaml.append(ingress("weight-canary", "weight", "canary", annotations(
        "canary-weight", "30")));
    yaml.append(ingress("bad-canary", "bad", "canary", annotations(
        "canary-by-header", "X-Canary", "canary-weight", "lots")));
    yaml.append(ingress("orphan-canary", "orphan", "canary", annotations()));
    return yaml.toString();
  }

  /** A canary Ingress's annotations: {@code canary: "true"} and these name/value pairs. */
  private static String annotations(String... nameValues) {
    StringBuilder out = new StringBuilder("  annotations:\n    " + P + "canary: \"true\"\n");
    for (int i = 0; i < nameValues.length; i += 2) {
      out.append("    ").append(P).append(nameValues[i]).append(": \"")
          .append(nameValues[i + 1]).append("\"\n");
    }
    return out.toString();
  }

  private static String ingress(String name, String host, String service, String annotations) {
    return TestManifests.ingress(name, host, service, annotations);
  }
}
