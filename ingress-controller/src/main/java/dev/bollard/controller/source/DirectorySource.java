package dev.bollard.controller.source;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.SourceRead;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of Kubernetes YAML as a {@link Source}: {@link ManifestWatcher} signals changes,
 * each read loads the directory again ({@link ManifestDirectory}). Certificates live in {@code
 * --acme-dir}; the ones issued re-enter every read as synthetic {@code kubernetes.io/tls} Secrets.
 * No leader: one process.
 */
public final class DirectorySource implements Source {

  private static final Logger log = LoggerFactory.getLogger(DirectorySource.class);

  private final ManifestDirectory directory;
  private volatile @Nullable CertificateWiring certs;
  private @Nullable ManifestWatcher watcher;

  public DirectorySource(Path dir) {
    this.directory = new ManifestDirectory(dir);
  }

  @Override
  public String mode() {
    return "standalone";
  }

  @Override
  public boolean awaitFirstRead() {
    return true;
  }

  @Override
  public CertificateWiring certificates(CertificateWiring.Options options) {
    CertificateWiring wiring =
        CertificateWiring.standalone(options);
    certs = wiring;
    return wiring;
  }

  @Override
  public synchronized CompletableFuture<Void> start(Signals signals) {
    Path dir = directory.dir();
    if (!Files.isDirectory(dir)) {
      throw new UncheckedIOException(
          new NoSuchFileException(dir.toString(), null, "no such directory"));
    }
    try {
      // Watch before the first load so that no change slips in between.
      watcher = ManifestWatcher.start(dir, signals::changed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Optional<SourceRead> read() {
    Manifests manifests;
    try {
      manifests = directory.load();
    } catch (UncheckedIOException e) {
      // The directory vanished or is unreadable: keep serving what we have.
      log.warn(
          "Cannot read {}: {}; still serving the last snapshot",
          directory.dir(),
          e.getCause().getMessage());
      return Optional.empty();
    }
    List<HasMetadata> resources = new ArrayList<>(manifests.resources());
    CertificateWiring wiring = certs;
    if (wiring != null) {
      resources.addAll(wiring.issuedSecrets());
    }
    return Optional.of(new SourceRead(ResourceStore.of(resources), manifests.problems()));
  }

  @Override
  public Optional<Leadership> leadership() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "directory " + directory.dir();
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
