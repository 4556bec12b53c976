package dev.bollard.controller.kube;

import dev.bollard.controller.cli.KubernetesSettings;
import dev.bollard.controller.cli.ProxyProcess;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A Bollard following a {@link MockCluster}, for end-to-end tests: proxy and admin listeners on
 * loopback ports the system picks, every namespace watched, the config family {@code
 * shop/bollard}, status address 10.0.0.7, rebuilds 50 ms after a change (300 ms at most) and
 * watches checked every 100 ms.
 */
final class KubernetesFixture {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private KubernetesFixture() {}

  /**
   * Starts Bollard on {@code cluster} (with a client of its own) under {@code election}, writing
   * as {@code writes} allows; the caller closes it.
   */
  static ProxyProcess start(MockCluster cluster, LeaderElection.Settings election,
      WriteSettings writes) throws InterruptedException {
    KubernetesSettings settings =
        new KubernetesSettings(
            ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
            SettingValues.DEFAULTS,
            new InetSocketAddress(LOOPBACK, 0),
            IngressClassSelection.defaults(),
            List.of(),
            new ConfigFamily(ShopObjects.NS, "bollard"),
            -1,
            null,
            List.of("10.0.0.7"),
            election,
            writes,
            Duration.ofMillis(50),
            Duration.ofMillis(300),
            Duration.ofMillis(100));
    return ProxyProcess.start(settings.source(cluster.client()), settings.process());
  }
}
