package dev.bollard.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

  @TempDir Path dir;

  private static RequestFacts done(String uri) {
    RequestFacts f = RequestFacts.begin(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri), java.net.InetAddress.getLoopbackAddress(),
        new LogSettings(CaptureRules.NONE, QueryRedaction.NONE, null, false, List.of("/healthz"),
            2048));
    f.complete(200);
    return f;
  }

  private static long lines(Path p) throws IOException {
    return Files.exists(p) ? Files.readAllLines(p).size() : 0;
  }

  @Test
  void writesOneLinePerRequestAndSkipsConfiguredUris() throws Exception {
    Path file = dir.resolve("access.log");
    try (AccessLog log = AccessLog.start(LogDestination.file(file), AccessLog.Format.JSON, 1024)) {
      for (int i = 0; i < 100; i++) {
        log.completed(done("/x" + i));
      }
      log.completed(done("/healthz"));
      await().atMost(Duration.ofSeconds(5)).until(() -> lines(file) == 100);
      assertThat(log.droppedLines()).isZero();
    }
    assertThat(Files.readAllLines(file)).allMatch(l -> l.startsWith("{\"time\":\""));
  }

  @Test
  void reopensTheFileAfterRotation() throws Exception {
    Path file = dir.resolve("access.log");
    try (AccessLog log = AccessLog.start(LogDestination.file(file), AccessLog.Format.TEXT, 1024)) {
      log.completed(done("/before"));
      await().atMost(Duration.ofSeconds(5)).until(() -> lines(file) == 1);
      Files.move(file, dir.resolve("access.log.1"));
      // Lines keep coming; within a second or two they land in a new file at the old path.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
        log.completed(done("/after"));
        return lines(file) > 0;
      });
    }
    assertThat(Files.readString(file)).contains("GET /after HTTP/1.1").doesNotContain("/before");
    assertThat(Files.readString(dir.resolve("access.log.1"))).contains("/before");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck = new OutputStream() {
      @Override
      public void write(int b) {}

      @Override
      public void write(byte[] b, int off, int len) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (AccessLog log = AccessLog.start(LogDestination.stream(stuck), AccessLog.Format.JSON, 4)) {
      log.completed(done("/first"));
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        log.completed(done("/more"));
        return log.droppedLines() > 0;
      });
      release.countDown();
    }
  }
}
