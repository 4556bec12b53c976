/**
 * Test support shared with other modules through the test-jar: loopback {@link
 * dev.bollard.proxy.testing.TestBackend}s with pluggable behaviour, a raw-socket HTTP client that
 * may set any header, snapshot builders and a running proxy fixture.
 */
@NullMarked
package dev.bollard.proxy.testing;

import org.jspecify.annotations.NullMarked;
