package dev.bollard.acme;

import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Orders certificates. Calls block (network round trips, validation) and run on the {@link
 * CertificateManager}'s thread, only while it holds the {@link Locker} lock.
 */
public interface Issuer {

  /**
   * Orders a certificate for {@code hosts}.
   *
   * @param name the storage key, for logs
   * @param replacing the certificate being renewed, if any (lets the CA link the two)
   * @throws IssuanceException when the CA refuses, validation fails or the CA cannot be reached
   */
  CertificateBundle issue(String name, Set<String> hosts, @Nullable CertificateBundle replacing)
      throws IssuanceException;

  /**
   * Whom orders go to (the CA and how it is trusted), recorded with each failure: a failure
   * recorded under another fingerprint does not hold back an order. Empty for an issuer that does
   * not tell.
   */
  default String fingerprint() {
    return "";
  }

  /**
   * The CA's suggested renewal window for a certificate it issued (ACME Renewal Information).
   *
   * @return empty if the CA offers none; failures are treated as "none"
   */
  default Optional<RenewalWindow> renewalWindow(CertificateBundle certificate) {
    return Optional.empty();
  }

  /**
   * The acme4j issuer.
   *
   * @param settings directory, contact, challenge preference, key type, timeouts
   * @param accountKeys where the account key pair is kept (generated on first use)
   * @param tokens where challenge answers are published for the listeners
   */
  static Issuer acme(AcmeSettings settings, AccountKeyStorage accountKeys, ChallengeTokens tokens) {
    return new AcmeIssuer(settings, accountKeys, tokens);
  }
}
