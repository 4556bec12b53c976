package dev.bollard.proxy.clientcert;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * What verifying one client's certificate found, in nginx's terms: {@code $ssl_client_verify}
 * ({@code NONE}, {@code SUCCESS} or {@code FAILED:reason}), the subject and issuer DNs ({@code
 * $ssl_client_s_dn}, {@code $ssl_client_i_dn}, RFC 2253) and the URL-escaped PEM ({@code
 * $ssl_client_escaped_cert}, made on first use). Kept per connection; only its event loop reads it.
 */
public final class Verification {

  /** No certificate was sent (or none was asked for). */
  public static final Verification NONE = new Verification(null, null);

  /** OpenSSL's name for the e-mail attribute, which the JDK would print as an OID. */
  private static final Map<String, String> NAMES = Map.of("1.2.840.113549.1.9.1", "emailAddress");

  private final @Nullable X509Certificate leaf;
  private final @Nullable Failure failure;
  private final String subjectDn;
  private final String issuerDn;
  private @Nullable String escapedPem;

  private Verification(@Nullable X509Certificate leaf, @Nullable Failure failure) {
    this.leaf = leaf;
    this.failure = failure;
    this.subjectDn = leaf == null ? "" : dn(leaf.getSubjectX500Principal());
    this.issuerDn = leaf == null ? "" : dn(leaf.getIssuerX500Principal());
  }

  /** {@code leaf} verified. */
  public static Verification success(X509Certificate leaf) {
    return new Verification(Objects.requireNonNull(leaf, "leaf"), null);
  }

  /** {@code leaf} did not verify, for {@code failure}. */
  public static Verification failed(X509Certificate leaf, Failure failure) {
    return new Verification(
        Objects.requireNonNull(leaf, "leaf"), Objects.requireNonNull(failure, "failure"));
  }

  /** Whether a certificate was presented. */
  public boolean presented() {
    return leaf != null;
  }

  /** Whether a certificate was presented and verified. */
  public boolean verified() {
    return leaf != null && failure == null;
  }

  /** Why verification failed, or {@code null} when it did not (or nothing was presented). */
  public @Nullable Failure failure() {
    return failure;
  }

  /** nginx's {@code $ssl_client_verify}: {@code NONE}, {@code SUCCESS} or {@code FAILED:reason}. */
  public String status() {
    if (leaf == null) {
      return "NONE";
    }
    Failure f = failure;
    return f == null ? "SUCCESS" : "FAILED:" + f.reason();
  }

  /** The subject DN, RFC 2253 ({@code CN=alice,O=Example}); empty without a certificate. */
  public String subjectDn() {
    return subjectDn;
  }

  /** The issuer DN, RFC 2253; empty without a certificate. */
  public String issuerDn() {
    return issuerDn;
  }

  /**
   * The certificate as PEM, every byte but RFC 3986's unreserved ones percent-encoded (nginx's
   * {@code $ssl_client_escaped_cert}); empty without a certificate.
   */
  public String escapedPem() {
    String done = escapedPem;
    if (done == null) {
      done = leaf == null ? "" : escape(pem(leaf));
      escapedPem = done;
    }
    return done;
  }

  private static String dn(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253, NAMES);
  }

  static String pem(X509Certificate certificate) {
    try {
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'})
          .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
    }
  }

  static String escape(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3 / 2);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Why a certificate did not verify, with OpenSSL's wording (what nginx reports). */
  public enum Failure {
    EXPIRED("certificate has expired", false),
    NOT_YET_VALID("certificate is not yet valid", false),
    UNKNOWN_ISSUER("unable to get local issuer certificate", true),
    SELF_SIGNED("self-signed certificate", true),
    CHAIN_TOO_LONG("certificate chain too long", false),
    CRL_MISSING("unable to get certificate CRL", false),
    CRL_EXPIRED("CRL has expired", false),
    CRL_NOT_YET_VALID("CRL is not yet valid", false),
    REVOKED("certificate revoked", false);

    private final String reason;
    private final boolean issuerUnknown;

    Failure(String reason, boolean issuerUnknown) {
      this.reason = reason;
      this.issuerUnknown = issuerUnknown;
    }

    /** OpenSSL's text, as in {@code FAILED:reason}. */
    public String reason() {
      return reason;
    }

    /**
     * Whether the failure is only that no trusted CA issued the certificate: what {@code
     * optional_no_ca} lets through (nginx's {@code ngx_ssl_verify_error_optional}).
     */
    public boolean issuerUnknown() {
      return issuerUnknown;
    }
  }
}
