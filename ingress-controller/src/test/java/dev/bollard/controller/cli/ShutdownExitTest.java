package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bollard run} as its own JVM, stopped the way Kubernetes stops it: SIGTERM, a drain, and
 * the exit code the README promises.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() is not SIGTERM there")
class ShutdownExitTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  private Process process;

  @AfterEach
  void killLeftover() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermAfterACleanDrainExitsZero() throws Exception {
    int admin = freePort();
    process = start(admin);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> {
          assertThat(process.isAlive()).as("process alive; output:\n" + output()).isTrue();
          return get(admin, "/readyz").startsWith("HTTP/1.1 200");
        });

    process.destroy(); // SIGTERM

    assertExitsZero();
  }

  /**
   * A SIGTERM while the listeners open (before ready) is kept and stops the process once it has
   * started, with the same clean exit: the handler is in place before anything can answer.
   */
  @Test
  void sigtermWhileStartingStillExitsZero() throws Exception {
    process = start(freePort());
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
        .until(() -> {
          assertThat(process.isAlive()).as("process alive; output:\n" + output()).isTrue();
          return output().contains("Proxy listening on");
        });

    process.destroy(); // SIGTERM

    assertExitsZero();
    assertThat(output()).contains("Stopped");
  }

  private Process start(int admin) throws IOException {
    return new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "run",
            "--manifests", Files.createDirectory(dir.resolve("manifests")).toString(),
            "--listen", "127.0.0.1:" + freePort(),
            "--https-listen", "127.0.0.1:" + freePort(),
            "--admin-listen", "127.0.0.1:" + admin,
            "--access-log", "off",
            "--shutdown-grace", "2s"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("bollard.log").toFile())
        .start();
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("bollard.log"));
  }

  private void assertExitsZero() throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
    assertThat(process.exitValue()).as("exit code; output:\n" + output()).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    }
  }

  private static String get(int port, String path) throws IOException {
    return RawHttp.get(port, "x", path);
  }
}
