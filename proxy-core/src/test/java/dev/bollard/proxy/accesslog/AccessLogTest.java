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
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri),
        java.net.InetAddress.getLoopbackAddress(),
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

  @Test
  void closeWritesEverythingQueued() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.start(LogDestination.file(file), AccessLog.Format.JSON, 10_000);
    for (int i = 0; i < 5_000; i++) {
      log.completed(done("/x" + i));
    }
    log.close();
    assertThat(lines(file)).isEqualTo(5_000);
    assertThat(log.writtenLines()).isEqualTo(5_000);
    assertThat(log.droppedLines()).isZero();
  }

  @Test
  void linesThatWaitedAreWrittenInFewWholeLineWrites() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<byte[]> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    OutputStream recording = new OutputStream() {
      @Override
      public void write(int b) {
        throw new AssertionError("the writer writes whole buffers");
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
        firstWriteStarted.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    int count = 2_000;
    try (AccessLog log = AccessLog.start(LogDestination.stream(recording), AccessLog.Format.JSON,
        4_096)) {
      log.completed(done("/first"));
      assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
      // The writer is stuck in its first write: these wait in the queue and go out together.
      for (int i = 1; i < count; i++) {
        log.completed(done("/" + "p".repeat(200) + i));
      }
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> log.writtenLines() == count);
      assertThat(log.droppedLines()).isZero();
    }
    // Up to 512 lines per batch and about 128 KiB per write (1.4 MB in all): a dozen or so
    // writes, not one per line; each write holds whole lines.
    assertThat(writes.size()).isBetween(2, 40);
    assertThat(writes).allMatch(w -> w[0] == '{' && w[w.length - 1] == '\n');
    String all = String.join("", writes.stream()
        .map(w -> new String(w, java.nio.charset.StandardCharsets.UTF_8)).toList());
    assertThat(all.split("\n", -1)).hasSize(count + 1)
        .allMatch(l -> l.isEmpty() || (l.startsWith("{\"time\":") && l.endsWith("}")));
  }
}
