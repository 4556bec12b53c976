package dev.bollard.proxy.config;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Client certificate authentication for one host (ingress-nginx's {@code auth-tls-*}
 * annotations): which CAs are trusted, what happens without a valid certificate, and what the
 * upstream is told.
 *
 * @param source the Ingress whose annotations these are
 * @param secret the Secret named by {@code auth-tls-secret}, as {@code namespace/name}
 * @param caPem the Secret's {@code ca.crt}: PEM certificates, checked by the translator
 * @param crlPem the Secret's {@code ca.crl} (PEM CRLs), or {@code null} for no revocation check
 * @param verify {@code auth-tls-verify-client}
 * @param depth {@code auth-tls-verify-depth}: at most this many intermediate CA certificates
 *     between the client's certificate and a trusted one, as OpenSSL counts them
 * @param errorPage {@code auth-tls-error-page}: where a failed verification is redirected (302),
 *     or {@code null} for nginx's 400
 * @param passCertificate {@code auth-tls-pass-certificate-to-upstream}: the client's certificate
 *     goes upstream as {@code ssl-client-cert} (URL-escaped PEM)
 * @param matchCn {@code auth-tls-match-cn}: an RE2 expression the subject DN must contain a match
 *     of (else 403), or {@code null}
 */
public record ClientAuth(
    RouteSource source,
    String secret,
    String caPem,
    @Nullable String crlPem,
    Verify verify,
    int depth,
    @Nullable String errorPage,
    boolean passCertificate,
    @Nullable String matchCn) {

  public ClientAuth {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(caPem, "caPem");
    Objects.requireNonNull(verify, "verify");
    if (depth < 0) {
      throw new IllegalArgumentException("depth: " + depth + " (expected: >= 0)");
    }
  }

  /** Whether the TLS handshake asks the client for a certificate. */
  public boolean requestsCertificate() {
    return verify != Verify.OFF;
  }

  /** ingress-nginx's {@code auth-tls-verify-client} values (nginx's {@code ssl_verify_client}). */
  public enum Verify {
    /** A valid certificate is required: none, or an invalid one, is answered 400. */
    ON,
    /** No certificate is asked for; the upstream hears {@code ssl-client-verify: NONE}. */
    OFF,
    /** A certificate is asked for; none passes, an invalid one is answered 400. */
    OPTIONAL,
    /**
     * A certificate is asked for; none passes, and so does one whose issuer is not trusted (the
     * upstream hears the failure); an expired or revoked one is answered 400.
     */
    OPTIONAL_NO_CA;

    /** The annotation value ({@code on}, {@code off}, {@code optional}, {@code optional_no_ca}). */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value for an annotation text, or {@code null} when it is none of the four. */
    public static @Nullable Verify parse(String text) {
      for (Verify v : values()) {
        if (v.value().equals(text)) {
          return v;
        }
      }
      return null;
    }
  }
}
