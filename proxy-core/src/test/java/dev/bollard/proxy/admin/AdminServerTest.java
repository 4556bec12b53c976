package dev.bollard.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean ready = new AtomicBoolean();
  private AdminServer server;

  @BeforeEach
  void start() throws InterruptedException {
    server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ready::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void healthzIsOkRegardlessOfReadiness() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzFollowsTheReadinessSupplier() throws Exception {
    HttpResponse<String> before = get("/readyz");
    ready.set(true);
    HttpResponse<String> after = get("/readyz");

    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("not ready: no snapshot published yet\n");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("ready\n");
  }

  @Test
  void livezIsOkRegardlessOfReadiness() throws Exception {
    HttpResponse<String> response = get("/livez");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzSaysWhyItIsNotReady() throws Exception {
    AtomicReference<Readiness> now = new AtomicReference<>(Readiness.STARTING);
    try (AdminServer admin = AdminServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now::get, () -> "{}", null)) {
      String url = "http://127.0.0.1:" + admin.port() + "/readyz";
      now.set(Readiness.DRAINING);
      HttpResponse<String> draining = client.send(
          HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).isEqualTo("not ready: draining (shutting down)\n");
    }
  }

  @Test
  void queryStringIsIgnored() throws Exception {
    assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathIs404() throws Exception {
    HttpResponse<String> response = get("/metrics-not-yet");

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).contains("GET, HEAD");
  }

  @Test
  void headAnswersWithoutBody() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void bindingAnAddressInUseNamesTheAddress() {
    InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());

    assertThatThrownBy(() -> AdminServer.start(taken, () -> true))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(String.valueOf(server.port()));
  }

  @Test
  void extraPagesAreServedWithTheirContentType() throws Exception {
    server.close();
    int[] calls = {0};
    server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () -> Readiness.STARTING, () -> "{}", null,
        java.util.Map.of("/", AdminPage.html(() -> "<p>page " + (++calls[0]) + "</p>")));

    HttpResponse<String> first = get("/");
    HttpResponse<String> second = get("/?filter=x");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(first.body()).isEqualTo("<p>page 1</p>\n");
    assertThat(second.body()).isEqualTo("<p>page 2</p>\n");
    assertThat(get("/other").statusCode()).isEqualTo(404);
  }

  @Test
  void aPageCannotReplaceAProbe() {
    assertThatThrownBy(() -> AdminServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> Readiness.STARTING, () -> "{}", null, java.util.Map.of("/readyz", AdminPage.html(() -> "always ready"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/readyz");
  }

  @Test
  void closeStopsListening() {
    int port = server.port();
    server.close();

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
    // A second close (from @AfterEach) must be harmless.
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
