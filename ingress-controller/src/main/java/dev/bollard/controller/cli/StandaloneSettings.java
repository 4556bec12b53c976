package dev.bollard.controller.cli;

import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.source.DirectorySource;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.IngressStatusPlan;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Everything a standalone Bollard process needs to start: its {@link #source()} and its {@link
 * #process()} settings.
 *
 * @param manifests the directory of Kubernetes YAML to serve and watch
 * @param server what the proxy keeps for the life of the process
 * @param configDefaults the settings' values from the flags: the defaults config versions are
 *     resolved over
 * @param adminListen where {@code /healthz} and {@code /readyz} are served
 * @param classes which Ingresses are ours
 * @param echoBackend where to start the demo echo backend in-process, or {@code null} for none
 * @param rebuildHoldOff quiet time after a file change before rebuilding
 * @param rebuildMaxDelay longest time from a change to its rebuild while changes keep coming
 * @param config the versioned-ConfigMap family read from the directory
 * @param configVersion the pinned config version, or -1 for the highest valid one
 */
public record StandaloneSettings(
    Path manifests,
    ServerSettings server,
    SettingValues configDefaults,
    InetSocketAddress adminListen,
    IngressClassSelection classes,
    @Nullable InetSocketAddress echoBackend,
    Duration rebuildHoldOff,
    Duration rebuildMaxDelay,
    ConfigFamily config,
    long configVersion) {

  /**
   * Settings following the default config family {@code default/bollard}, unpinned, over the
   * catalog's defaults.
   */
  public StandaloneSettings(
      Path manifests,
      ServerSettings server,
      InetSocketAddress adminListen,
      IngressClassSelection classes,
      @Nullable InetSocketAddress echoBackend,
      Duration rebuildHoldOff,
      Duration rebuildMaxDelay) {
    this(manifests, server, SettingValues.DEFAULTS, adminListen, classes, echoBackend,
        rebuildHoldOff, rebuildMaxDelay,
        new ConfigFamily(ResourceStore.DEFAULT_NAMESPACE, ConfigFamily.DEFAULT_NAME), -1);
  }

  /** The manifest directory as the process's source. */
  public DirectorySource source() {
    return new DirectorySource(manifests);
  }

  /** The process settings: no access log, the HTTPS listener on any port, no ACME. */
  public ProcessSettings process() {
    return new ProcessSettings(server, configDefaults, adminListen, classes, config, configVersion,
        IngressStatusPlan.Address.NONE, echoBackend, rebuildHoldOff, rebuildMaxDelay,
        AccessLogOptions.OFF, ProcessSettings.httpsOnly(server));
  }

  /** Default rebuild hold-off: long enough to gather an editor's or {@code cp -r}'s burst. */
  public static final Duration DEFAULT_HOLD_OFF = Duration.ofMillis(200);

  /** Default rebuild maximum delay. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);
}
