package dev.bollard.acme;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where certificates and their order history live, keyed by a name ({@code namespace/secretName} in
 * Kubernetes). Every replica reads it; only the lock holder writes. Implementations must make each
 * write atomic for readers: a reader sees the old certificate or the new one, never a mix, and
 * {@link #storeAttempt} never touches the certificate, so the old one keeps serving until {@link
 * #storeCertificate} replaces it.
 *
 * <p>The Kubernetes implementation keeps the PEM texts in a {@code kubernetes.io/tls} Secret and
 * the {@link RenewalState} in its annotations.
 */
public interface CertificateStorage {

  /**
   * Loads an entry.
   *
   * @return empty if nothing was ever stored under {@code name}
   * @throws IOException if the entry exists but cannot be read; the manager logs it and retries
   *     later
   */
  Optional<StoredCertificate> load(String name) throws IOException;

  /** Replaces the certificate and its history in one atomic write. */
  void storeCertificate(String name, CertificateBundle bundle, RenewalState renewal)
      throws IOException;

  /**
   * Records an attempt (usually a failure with backoff), keeping any stored certificate as it is.
   */
  void storeAttempt(String name, RenewalState renewal) throws IOException;

  /**
   * A storage that keeps each entry as files in {@code directory}: {@code <name>.pem} (private key,
   * then the chain: one file, so one atomic move replaces both) and {@code <name>.state} (the
   * {@link RenewalState} as properties), the name URL-encoded. Each file is written to a temporary
   * file and moved into place. The directory is created if missing.
   */
  static CertificateStorage directory(Path directory) {
    return new FileCertificateStorage(directory);
  }

  /** Where {@code name} is kept, for status pages and messages (a file, a Secret). */
  default String location(String name) {
    return name;
  }
}
