package dev.bollard.controller.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EchoBackendTest {

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private EchoBackend echo;

  @BeforeEach
  void start() throws InterruptedException {
    echo = EchoBackend.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "blue");
  }

  @AfterEach
  void stop() {
    echo.close();
  }

  @Test
  void describesTheRequestItReceived() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/hello?x=1"))
                .header("X-Trace", "abc \"quoted\"")
                .POST(HttpRequest.BodyPublishers.ofString("name=bollard"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    assertThat(response.body())
        .contains("\"server\": \"blue\"")
        .contains("\"method\": \"POST\"")
        .contains("\"uri\": \"/hello?x=1\"")
        .contains("\"version\": \"HTTP/1.1\"")
        .contains("\"X-Trace\": \"abc \\\"quoted\\\"\"")
        .contains("\"bodyBytes\": 12")
        .contains("\"body\": \"name=bollard\"")
        .contains("\"remoteAddress\": \"127.0.0.1:");
  }

  @Test
  void setsAppStyleLogHeaders() throws Exception {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.headers().firstValue("x-log-user-id")).contains("42");
    assertThat(response.headers().firstValue("x-log-account")).contains("acme");
    assertThat(response.headers().firstValue("x-log-db-ms")).contains("3.1");
    assertThat(response.headers().firstValue("x-echo-server")).contains("blue");
  }

  @Test
  void largeBodiesAreCountedNotEchoed() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024];

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).contains("\"bodyBytes\": " + body.length).doesNotContain("\"body\":");
  }

  @Test
  void headGetsHeadersWithoutBodyAndTheConnectionStaysUsable() throws Exception {
    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(uri("/h")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> get =
        client.send(HttpRequest.newBuilder(uri("/g")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(get.body()).contains("\"uri\": \"/g\"");
  }

  @Test
  void servesSeveralRequestsOnOneConnection() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri("/" + i)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).contains("\"uri\": \"/" + i + "\"");
    }
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + echo.port() + pathAndQuery);
  }
}
