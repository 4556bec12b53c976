/**
 * Test support shared through the acme test-jar: {@link dev.bollard.acme.testing.PebbleExtension}
 * runs a real ACME server (Debian's {@code pebble} and {@code pebble-challtestsrv}), and the
 * responders answer its HTTP-01 and TLS-ALPN-01 validations from a {@link
 * dev.bollard.acme.ChallengeResponder}, standing in for the proxy's listeners.
 */
@NullMarked
package dev.bollard.acme.testing;

import org.jspecify.annotations.NullMarked;
