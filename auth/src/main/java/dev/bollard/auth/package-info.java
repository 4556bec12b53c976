/**
 * Basic authentication without a network stack: htpasswd and auth-map parsing into a
 * {@link dev.bollard.auth.CredentialSet}, and a {@link dev.bollard.auth.BasicAuthenticator} that
 * checks {@code Authorization: Basic} values off the caller's thread, caches verified results,
 * collapses identical checks in flight and throttles clients that keep failing.
 *
 * <p>Nothing here knows Netty or Kubernetes: the proxy hands in a header value and a client
 * address and gets an {@link dev.bollard.auth.AuthResult} back; where the htpasswd text came from
 * (a Secret, a file) is the caller's business and only appears as a source name in problems.
 */
@NullMarked
package dev.bollard.auth;

import org.jspecify.annotations.NullMarked;
