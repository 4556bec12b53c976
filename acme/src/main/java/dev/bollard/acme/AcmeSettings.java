package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Issuer#acme} talks to a CA. Build with {@link #builder(URI)}; kube-lego's {@code
 * LEGO_URL} and {@code LEGO_EMAIL} map to {@link Builder#contactEmail} and the directory.
 */
public final class AcmeSettings {

  /** The key algorithm of issued certificates. */
  public enum KeyType {
    /** ECDSA on NIST P-256: small, fast, universally supported. */
    EC_P256,
    /** RSA 2048, for clients that cannot do ECDSA. */
    RSA_2048
  }

  private final URI directory;
  private final @Nullable String contactEmail;
  private final List<ChallengeType> challengeTypes;
  private final KeyType keyType;
  private final List<X509Certificate> trustedCertificates;
  private final Duration pollInterval;
  private final Duration timeout;
  private final String trustAdvice;

  private AcmeSettings(Builder builder) {
    this.directory = builder.directory;
    this.contactEmail = builder.contactEmail;
    this.challengeTypes = builder.challengeTypes;
    this.keyType = builder.keyType;
    this.trustedCertificates = builder.trustedCertificates;
    this.pollInterval = builder.pollInterval;
    this.timeout = builder.timeout;
    this.trustAdvice = builder.trustAdvice;
  }

  /**
   * Starts settings for the CA whose ACME directory is at {@code directory} ({@code
   * https://…/directory}).
   */
  public static Builder builder(URI directory) {
    return new Builder(directory);
  }

  /** The ACME directory URL. */
  public URI directory() {
    return directory;
  }

  /** The account's contact e-mail, if set. */
  public Optional<String> contactEmail() {
    return Optional.ofNullable(contactEmail);
  }

  /** Challenge types in order of preference. */
  public List<ChallengeType> challengeTypes() {
    return challengeTypes;
  }

  /** Key algorithm of issued certificates. */
  public KeyType keyType() {
    return keyType;
  }

  /**
   * Extra trust anchors for the CA's HTTPS endpoint (a private CA), trusted besides the JVM's
   * default roots; empty means the JVM's defaults alone.
   */
  public List<X509Certificate> trustedCertificates() {
    return trustedCertificates;
  }

  /** What an order failing on an untrusted CA certificate tells the operator to do. */
  public String trustAdvice() {
    return trustAdvice;
  }

  /**
   * Identifies whom orders go to: the directory URL and the extra trust anchors, hashed. A failure
   * recorded under another fingerprint does not hold back the next order, so fixing the directory
   * or the trust is tried at once rather than after the backoff.
   */
  public String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(directory.toString().getBytes(StandardCharsets.UTF_8));
      for (X509Certificate anchor : trustedCertificates) {
        digest.update((byte) 0);
        digest.update(anchor.getEncoded());
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint the ACME settings: " + e, e);
    }
  }

  /**
   * How often to poll a pending authorization or order when the CA sends no {@code Retry-After}.
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How long one validation or finalization may take before the order counts as failed. */
  public Duration timeout() {
    return timeout;
  }

  /** Builder for {@link AcmeSettings}. */
  public static final class Builder {
    private final URI directory;
    private @Nullable String contactEmail;
    private List<ChallengeType> challengeTypes =
        List.of(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01);
    private KeyType keyType = KeyType.EC_P256;
    private List<X509Certificate> trustedCertificates = List.of();
    private Duration pollInterval = Duration.ofSeconds(2);
    private Duration timeout = Duration.ofMinutes(2);
    private String trustAdvice =
        "add the certificate of the CA that signed the ACME server's HTTPS certificate to the"
            + " trusted certificates";

    private Builder(URI directory) {
      requireNonNull(directory, "directory");
      if (!"https".equals(directory.getScheme()) && !"http".equals(directory.getScheme())) {
        throw new IllegalArgumentException(
            "directory: " + directory + " (expected: the CA's https:// ACME directory URL)");
      }
      this.directory = directory;
    }

    /** The account's contact e-mail; CAs send expiry warnings there. */
    public Builder contactEmail(@Nullable String contactEmail) {
      if (contactEmail != null && !contactEmail.contains("@")) {
        throw new IllegalArgumentException(
            "contactEmail: '" + contactEmail + "' (expected: an e-mail address)");
      }
      this.contactEmail = contactEmail;
      return this;
    }

    /** Challenge types in order of preference; at least one, no duplicates. */
    public Builder challengeTypes(List<ChallengeType> challengeTypes) {
      requireNonNull(challengeTypes, "challengeTypes");
      if (challengeTypes.isEmpty()
          || new LinkedHashSet<>(challengeTypes).size() != challengeTypes.size()) {
        throw new IllegalArgumentException(
            "challengeTypes: " + challengeTypes + " (expected: at least one, each once)");
      }
      this.challengeTypes = List.copyOf(challengeTypes);
      return this;
    }

    /** Key algorithm of issued certificates; default {@link KeyType#EC_P256}. */
    public Builder keyType(KeyType keyType) {
      this.keyType = requireNonNull(keyType, "keyType");
      return this;
    }

    /**
     * Trust anchors for the CA's own HTTPS endpoint, trusted besides the JVM's default roots (which
     * keep working).
     */
    public Builder trustedCertificates(List<X509Certificate> trustedCertificates) {
      this.trustedCertificates =
          List.copyOf(requireNonNull(trustedCertificates, "trustedCertificates"));
      return this;
    }

    /**
     * What to tell the operator when the CA's HTTPS certificate is not trusted (a flag to pass,
     * say); appended to the failure after a dash.
     */
    public Builder trustAdvice(String trustAdvice) {
      requireNonNull(trustAdvice, "trustAdvice");
      if (trustAdvice.isBlank()) {
        throw new IllegalArgumentException("trustAdvice: blank (expected: what to do)");
      }
      this.trustAdvice = trustAdvice.strip();
      return this;
    }

    /** Poll interval without {@code Retry-After}; default 2 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /** Bound on one validation or finalization; default 2 min. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Builds the settings. */
    public AcmeSettings build() {
      return new AcmeSettings(this);
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
