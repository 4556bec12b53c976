package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import dev.bollard.controller.testing.TestManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request buffering from YAML to the wire: with no config at all (ingress-nginx's default, on) a
 * client stalled mid-body holds no backend connection; the Ingress annotation {@code
 * proxy-request-buffering: "off"} makes its routes stream again.
 */
class RequestBufferingEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path manifests;
  private final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private ServerSocket backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void startBackend() throws IOException {
    backend = new ServerSocket(0, 50, LOOPBACK);
    RawHttp.answerEach(backend, threads, s -> {
      accepted.incrementAndGet();
      answerOnce(s);
    });
  }

  @AfterEach
  void stopAll() throws IOException {
    backend.close();
    threads.shutdownNow();
  }

  @Test
  void aStalledBodyReachesNoBackendUntilAnIngressTurnsBufferingOff() throws Exception {
    writeManifests("");
    runtime = standalone.start(manifests);

    try (Socket client = slowPost()) {
      await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> accepted.get() == 0);
      client.getOutputStream().write("y".repeat(90).getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(client.getInputStream())).startsWith("HTTP/1.1 200")
          .endsWith("received 100");
      assertThat(accepted.get()).isEqualTo(1);
    }

    long version = runtime.currentSnapshot().version();
    writeManifests("""
          annotations:
            nginx.ingress.kubernetes.io/proxy-request-buffering: "off"
        """);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().version() > version);
    try (Socket client = slowPost()) {
      await().atMost(WAIT).until(() -> accepted.get() == 2);
    }
  }

  /** A POST of 100 bytes, stalled after 10 (the proxy has routed it: 100 Continue came). */
  private Socket slowPost() throws IOException {
    Socket client = new Socket(LOOPBACK, runtime.proxyPort());
    client.setSoTimeout(5_000);
    OutputStream out = client.getOutputStream();
    out.write(("POST /upload HTTP/1.1\r\nHost: demo.localhost\r\nContent-Length: 100\r\n"
        + "Expect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(RawHttp.readHead(client.getInputStream())).startsWith("HTTP/1.1 100");
    out.write("x".repeat(10).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return client;
  }

  /** Reads one request with a Content-Length body and answers how many body bytes came. */
  private static void answerOnce(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = RawHttp.readHead(in).toLowerCase(Locale.ROOT);
      int at = head.indexOf("content-length:");
      int length = at < 0 ? 0
          : Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
      int got = in.readNBytes(length).length;
      String body = "received " + got;
      s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
          + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // The proxy went away: nothing to answer.
    }
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }

  private void writeManifests(String annotations) throws IOException {
    Files.writeString(manifests.resolve("demo.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: demo
          namespace: shop
        %sspec:
          ingressClassName: bollard
          rules:
            - host: demo.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        """.formatted(annotations) + TestManifests.appService(backend.getLocalPort()));
  }
}
