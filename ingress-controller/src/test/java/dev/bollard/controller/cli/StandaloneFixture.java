package dev.bollard.controller.cli;

import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A standalone Bollard for end-to-end tests: the manifests of one directory, proxy and admin
 * listeners on loopback ports the system picks, no echo backend, and reloads 50 ms after a change
 * (500 ms at most), so a test that rewrites a manifest waits little.
 */
final class StandaloneFixture {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private StandaloneFixture() {}

  /** The settings {@link #start(Path)} uses, for tests that vary or restart them. */
  static StandaloneSettings settings(Path manifests) {
    return new StandaloneSettings(manifests,
        ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
        new InetSocketAddress(LOOPBACK, 0), IngressClassSelection.defaults(), null,
        Duration.ofMillis(50), Duration.ofMillis(500));
  }

  /** Starts Bollard on {@code manifests}; the caller closes it. */
  static ProxyProcess start(Path manifests) throws InterruptedException {
    return start(manifests, UnaryOperator.identity());
  }

  /** Starts Bollard on {@code manifests} with process settings changed by {@code process}. */
  static ProxyProcess start(Path manifests, UnaryOperator<ProcessSettings> process)
      throws InterruptedException {
    StandaloneSettings settings = settings(manifests);
    return ProxyProcess.start(settings.source(), process.apply(settings.process()));
  }
}
