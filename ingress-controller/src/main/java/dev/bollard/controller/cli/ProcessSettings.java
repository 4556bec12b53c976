package dev.bollard.controller.cli;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.IngressStatusPlan;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link ProxyProcess} needs besides its source, the same in both modes.
 *
 * @param server what the proxy keeps for the life of the process
 * @param configDefaults the settings' values from the flags: the defaults config versions are
 *     resolved over
 * @param adminListen where {@code /healthz}, {@code /readyz}, {@code /status} and {@code /metrics}
 *     are served
 * @param classes which Ingresses are ours
 * @param config the versioned-ConfigMap family
 * @param configVersion the pinned config version, or -1 for the highest valid one
 * @param statusAddress the address written to our Ingresses' status ({@link
 *     IngressStatusPlan.Address#NONE} standalone)
 * @param echoBackend where to start the demo echo backend in-process, or {@code null} for none
 * @param rebuildHoldOff quiet time after a change before rebuilding
 * @param rebuildMaxDelay longest time from a change to its rebuild while changes keep coming
 * @param accessLog the access log's destination and format
 * @param certificates the HTTPS listener, the default certificate and ACME
 */
public record ProcessSettings(
    ServerSettings server,
    SettingValues configDefaults,
    InetSocketAddress adminListen,
    IngressClassSelection classes,
    ConfigFamily config,
    long configVersion,
    IngressStatusPlan.Address statusAddress,
    @Nullable InetSocketAddress echoBackend,
    Duration rebuildHoldOff,
    Duration rebuildMaxDelay,
    AccessLogOptions accessLog,
    CertificateWiring.Options certificates) {

  /** The HTTPS listener on the proxy's address, any port; no ACME. */
  static CertificateWiring.Options httpsOnly(ServerSettings server) {
    return CertificateWiring.Options.of(
        TlsConfig.httpsOnly(new InetSocketAddress(server.bind().getAddress(), 0)));
  }

  /** These settings with another access log. */
  public ProcessSettings withAccessLog(AccessLogOptions log) {
    return new ProcessSettings(server, configDefaults, adminListen, classes, config, configVersion,
        statusAddress, echoBackend, rebuildHoldOff, rebuildMaxDelay, log, certificates);
  }

  /** These settings with other certificates. */
  public ProcessSettings withCertificates(CertificateWiring.Options options) {
    return new ProcessSettings(server, configDefaults, adminListen, classes, config, configVersion,
        statusAddress, echoBackend, rebuildHoldOff, rebuildMaxDelay, accessLog, options);
  }

  /** The translation these settings ask for. */
  SnapshotTranslator translator() {
    return new SnapshotTranslator(
        classes, new GlobalConfig(config, configVersion, configDefaults), statusAddress);
  }
}
