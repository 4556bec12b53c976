package dev.bollard.controller.cli;

import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.WriteSettings;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.source.cluster.KubernetesSource;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.IngressStatusPlan;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything a Bollard process following a cluster needs to start: its {@link
 * #source(KubernetesClient)} and its {@link #process()} settings.
 *
 * @param server what the proxy keeps for the life of the process
 * @param configDefaults the settings' values from the flags: the defaults config versions are
 *     resolved over
 * @param adminListen where {@code /healthz}, {@code /readyz} and {@code /status} are served
 * @param classes which Ingresses are ours
 * @param watchNamespaces namespaces to watch; empty for all
 * @param config the versioned-ConfigMap family
 * @param configVersion the pinned config version, or -1 for the highest valid one
 * @param publishService {@code namespace/name} of the Service whose address goes into Ingress
 *     status, or {@code null}
 * @param publishStatusAddresses fixed addresses for Ingress status (win over the Service)
 * @param election the leader Lease
 * @param writes how fast the leader writes status and Events, and when a problem is an Event
 * @param rebuildHoldOff quiet time after a change before rebuilding
 * @param rebuildMaxDelay longest time from a change to its rebuild while changes keep coming
 * @param watchCheck how often watch health is checked
 */
public record KubernetesSettings(
    ServerSettings server,
    SettingValues configDefaults,
    InetSocketAddress adminListen,
    IngressClassSelection classes,
    List<String> watchNamespaces,
    ConfigFamily config,
    long configVersion,
    @Nullable String publishService,
    List<String> publishStatusAddresses,
    LeaderElection.Settings election,
    WriteSettings writes,
    Duration rebuildHoldOff,
    Duration rebuildMaxDelay,
    Duration watchCheck) {

  public KubernetesSettings {
    watchNamespaces = List.copyOf(watchNamespaces);
    publishStatusAddresses = List.copyOf(publishStatusAddresses);
  }

  /** The cluster behind {@code client} as the process's source; it owns and closes the client. */
  public KubernetesSource source(KubernetesClient client) {
    return new KubernetesSource(
        client, watchNamespaces, config, publishService, election, writes, watchCheck);
  }

  /** The process settings: no access log, the HTTPS listener on any port, no ACME. */
  public ProcessSettings process() {
    return new ProcessSettings(server, configDefaults, adminListen, classes, config, configVersion,
        new IngressStatusPlan.Address(publishService, publishStatusAddresses), null,
        rebuildHoldOff, rebuildMaxDelay, AccessLogOptions.OFF, ProcessSettings.httpsOnly(server));
  }
}
