package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One storage entry: the certificate, if one was issued, and the order history.
 *
 * @param bundle the current certificate, {@code null} before the first successful order
 * @param renewal order history and backoff
 */
public record StoredCertificate(@Nullable CertificateBundle bundle, RenewalState renewal) {
  /** Checks the arguments. */
  public StoredCertificate {
    requireNonNull(renewal, "renewal");
  }

  /** The certificate, if one was issued. */
  public Optional<CertificateBundle> certificate() {
    return Optional.ofNullable(bundle);
  }
}
