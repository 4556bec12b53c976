package dev.bollard.acme;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the ACME account key pair lives (a Secret in Kubernetes, a file standalone). The issuer
 * generates and stores a key when none exists; only the lock holder orders, so only one replica
 * ever creates it.
 */
public interface AccountKeyStorage {

  /** The PEM key pair, if one was stored. */
  Optional<String> load() throws IOException;

  /** Stores the PEM key pair atomically. */
  void store(String keyPairPem) throws IOException;

  /** Keeps the key pair in {@code file} (mode 0600 where the file system supports it). */
  static AccountKeyStorage file(Path file) {
    return new FileAccountKeyStorage(file);
  }
}
