package dev.bollard.proxy.config;

import dev.bollard.auth.CredentialSet;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Basic-auth requirement: who may pass ({@link #credentials}) and the realm browsers show, or
 * why the requirement cannot be checked ({@link #brokenReason}), in which case the guarded
 * requests are answered 503, never served unguarded.
 *
 * @param origin what configured it, for logs and 503 bodies, e.g. {@code "Ingress default/app"}
 * @param realm the realm of the {@code WWW-Authenticate} challenge
 * @param credentials the users, or {@code null} when broken
 * @param brokenReason why the credentials could not be read, or {@code null} when usable
 */
public record BasicAuthPolicy(
    String origin, String realm, @Nullable CredentialSet credentials, @Nullable String brokenReason) {

  /** The realm ingress-nginx uses when the annotation is absent. */
  public static final String DEFAULT_REALM = "Authentication Required";

  /** Checks that exactly one of credentials and broken reason is present. */
  public BasicAuthPolicy {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(realm, "realm");
    if ((credentials == null) == (brokenReason == null)) {
      throw new IllegalArgumentException(
          "credentials/brokenReason: both " + (credentials == null ? "absent" : "present")
              + " (expected: exactly one)");
    }
  }

  /** A usable policy. */
  public static BasicAuthPolicy of(String origin, String realm, CredentialSet credentials) {
    return new BasicAuthPolicy(origin, realm, credentials, null);
  }

  /** A policy that cannot be checked: its requests get 503. */
  public static BasicAuthPolicy broken(String origin, String realm, String reason) {
    return new BasicAuthPolicy(origin, realm, null, reason);
  }

  /** Whether requests under this policy are refused with 503. */
  public boolean isBroken() {
    return credentials == null;
  }
}
