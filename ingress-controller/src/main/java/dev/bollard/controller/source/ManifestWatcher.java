package dev.bollard.controller.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a manifest directory tree and signals every change.
 *
 * <p>Every event counts, on purpose: the whole directory is re-read on each rebuild, and a rebuild
 * that finds nothing new publishes nothing, so filtering events would only risk missing one.
 * Editors that save by writing a temporary file and renaming it over the original show up as a
 * create (or delete and create) of the real name; a Kubernetes ConfigMap mount swaps its {@code
 * ..data} link; both are plain events here. New sub-directories are watched as they appear. The
 * callback runs on the watcher's own thread and must be quick: it is meant to be {@link
 * dev.bollard.controller.publish.RebuildScheduler#requestRebuild()}.
 */
public final class ManifestWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ManifestWatcher.class);

  private final Path root;
  private final Runnable onChange;
  private final WatchService watchService;
  private final Map<WatchKey, Path> watched = new ConcurrentHashMap<>();
  private final Thread thread;

  private ManifestWatcher(Path root, Runnable onChange, WatchService watchService) {
    this.root = root;
    this.onChange = onChange;
    this.watchService = watchService;
    this.thread = new Thread(this::loop, "bollard-manifest-watch");
    thread.setDaemon(true);
  }

  /**
   * Starts watching {@code dir} and everything below it.
   *
   * @param onChange called on the watcher thread after each batch of file system events
   * @throws IOException if the directory cannot be watched
   */
  public static ManifestWatcher start(Path dir, Runnable onChange) throws IOException {
    WatchService watchService = dir.getFileSystem().newWatchService();
    ManifestWatcher watcher = new ManifestWatcher(dir, onChange, watchService);
    try {
      watcher.registerTree(dir);
    } catch (IOException | UncheckedIOException e) {
      watchService.close();
      throw e;
    }
    watcher.thread.start();
    return watcher;
  }

  private void registerTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path sub : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
        watched.put(sub.register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), sub);
      }
    }
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        Path dir = watched.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == ENTRY_CREATE && dir != null) {
            Path created = dir.resolve((Path) event.context());
            if (Files.isDirectory(created)) {
              watchNewDirectory(created);
            }
          } else if (event.kind() == OVERFLOW) {
            log.debug("Watch events overflowed under {}; re-reading everything", root);
          }
        }
        if (!key.reset()) {
          watched.remove(key);
          if (root.equals(dir)) {
            log.warn(
                "Manifest directory {} was removed; still serving the last snapshot. Recreate"
                    + " it and restart Bollard to pick up changes again",
                root);
          }
        }
        onChange.run();
      }
    } catch (ClosedWatchServiceException e) {
      // close() was called
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watchNewDirectory(Path created) {
    try {
      registerTree(created);
    } catch (IOException | UncheckedIOException e) {
      // Removed again before we got to it: the delete event follows, nothing to watch.
      log.debug("Could not watch new directory {}: {}", created, e.getMessage());
    }
  }

  /** Stops watching; no callback runs after this returns. */
  @Override
  public void close() {
    try {
      watchService.close();
    } catch (IOException e) {
      log.debug("Closing the watch service of {}: {}", root, e.getMessage());
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
