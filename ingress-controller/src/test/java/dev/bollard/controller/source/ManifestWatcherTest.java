package dev.bollard.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.publish.RebuildScheduler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher wired to a real scheduler, as the standalone runtime wires them. */
class ManifestWatcherTest {

  @TempDir Path dir;

  private final AtomicInteger rebuilds = new AtomicInteger();
  private final AtomicReference<Manifests> lastLoad = new AtomicReference<>();
  private RebuildScheduler scheduler;
  private ManifestWatcher watcher;

  @BeforeEach
  void start() throws IOException {
    ManifestDirectory manifests = new ManifestDirectory(dir);
    scheduler =
        new RebuildScheduler(
            () -> {
              lastLoad.set(manifests.load());
              rebuilds.incrementAndGet();
            },
            Duration.ofMillis(150),
            Duration.ofSeconds(2));
    watcher = ManifestWatcher.start(dir, scheduler::requestRebuild);
  }

  @AfterEach
  void stop() {
    watcher.close();
    scheduler.close();
  }

  @Test
  void fiftyFilesWrittenQuicklyAreFewRebuildsThatSeeThemAll() throws IOException {
    for (int i = 0; i < 50; i++) {
      Files.writeString(dir.resolve("svc-" + i + ".yaml"), service("svc-" + i));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> names().size() == 50);
    assertThat(rebuilds.get()).isBetween(1, 3);
  }

  @Test
  void editorStyleAtomicRenameIsSeen() throws IOException {
    Path file = dir.resolve("svc.yaml");
    Files.writeString(file, service("before"));
    await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("before")));

    Path temp = dir.resolve(".svc.yaml.swp");
    Files.writeString(temp, service("after"));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("after")));
  }

  @Test
  void filesInNewSubdirectoriesAndDeletionsAreSeen() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("team-a/prod"));
    Files.writeString(sub.resolve("svc.yaml"), service("deep"));
    await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("deep")));

    Files.writeString(sub.resolve("more.yaml"), service("deeper"));
    await().atMost(Duration.ofSeconds(10)).until(() -> names().size() == 2);

    Files.delete(sub.resolve("svc.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("deeper")));
  }

  private List<String> names() {
    Manifests m = lastLoad.get();
    return m == null
        ? List.of()
        : m.resources().stream().map(HasMetadata::getMetadata).map(md -> md.getName()).toList();
  }

  private static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
        spec:
          ports:
            - port: 80
        """
        .formatted(name);
  }
}
