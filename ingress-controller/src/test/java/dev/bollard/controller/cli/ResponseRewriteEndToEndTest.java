package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
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
 * {@code proxy-redirect-from/-to}, {@code proxy-cookie-domain} and {@code proxy-cookie-path} from
 * manifests to the wire: a backend that redirects to its internal name and sets cookies for it,
 * seen through a real Bollard with and without the annotations.
 */
class ResponseRewriteEndToEndTest {

  @TempDir Path manifests;
  private TestBackend app;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    app = TestBackend.start("app", TestBackend.withHeaders(302,
        "Location", "http://app.internal:8080/login?next=/",
        "Refresh", "3; url=http://app.internal:8080/later",
        "Set-Cookie", "session=abc; Domain=app.internal; Path=/; HttpOnly",
        "Set-Cookie", "pref=1; Path=/settings"));
    String p = "    nginx.ingress.kubernetes.io/";
    Files.writeString(manifests.resolve("all.yaml"), TestManifests.service("app", app.port())
        + TestManifests.ingress("shop", "app",
            p + "proxy-redirect-from: \"http://app.internal:8080/\"\n"
                + p + "proxy-redirect-to: \"https://shop.localhost/\"\n"
                + p + "proxy-cookie-domain: \"app.internal shop.localhost\"\n"
                + p + "proxy-cookie-path: \"/ /store/\"\n")
        + TestManifests.ingress("plain", "app",
            p + "proxy-redirect-to: \"https://ignored.localhost/\"\n"));
    runtime = standalone.start(manifests);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> runtime.currentSnapshot().virtualHosts().size() == 2);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void locationRefreshAndCookiesNameThePublicHost() throws Exception {
    String response = get("shop.localhost");
    assertThat(response).startsWith("HTTP/1.1 302")
        .contains("location: https://shop.localhost/login?next=/")
        .contains("refresh: 3; url=https://shop.localhost/later")
        .contains("set-cookie: session=abc; Domain=shop.localhost; Path=/store/; HttpOnly")
        .contains("set-cookie: pref=1; Path=/store/settings");
  }

  @Test
  void withoutTheAnnotationsTheHeadersPassUnchanged() throws Exception {
    String response = get("plain.localhost");
    assertThat(response).startsWith("HTTP/1.1 302")
        .contains("location: http://app.internal:8080/login?next=/")
        .contains("set-cookie: session=abc; Domain=app.internal; Path=/; HttpOnly");
  }

  /** The response of a GET to {@code host}, header names in lower case (values as sent). */
  private String get(String host) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : RawHttp.get(runtime.proxyPort(), host, "/").split("\r\n")) {
      int colon = line.indexOf(':');
      out.append(colon > 0 && !line.startsWith("HTTP/")
          ? line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon)
          : line).append('\n');
    }
    return out.toString();
  }
}
