package dev.bollard.controller.cli;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.kube.WriteSettings;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.Setting;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.source.Source;
import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code bollard run}: serve a manifest directory until SIGTERM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    abbreviateSynopsis = true,
    modelTransformer = SettingOptions.class,
    description = {
      "Serve the Ingresses of a cluster (in-cluster config or --kubeconfig), or of a directory of"
          + " Kubernetes YAML with --manifests, and follow every change.",
      "Admin endpoints on --admin-listen: / (status page), /healthz (alive), /readyz (a"
          + " snapshot is served), /status (config version in force, refusals, watch health,"
          + " certificates), /metrics (Prometheus).",
      ""
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  /** The config-family flags, read from the catalog's values. */
  final ConfigOptions config = new ConfigOptions(this::flags);

  /** The class flags, read from the catalog's values. */
  final ClassOptions classes = new ClassOptions(this::flags);

  /** The HTTPS and ACME flags, read from the catalog's values. */
  final TlsOptions tls = new TlsOptions(this::flags);

  @Override
  public Integer call() throws Exception {
    Source source;
    ProcessSettings process;
    boolean standalone = flags().orNull(Catalog.MANIFESTS) != null;
    if (!standalone) {
      KubernetesSettings settings = kubernetesSettings();
      process = settings.process().withCertificates(CertificateWiring.Options.of(
          tls.toConfig(settings.election().namespace())).withTrusted(
              tls.acmeTrust(spec.commandLine())));
      source = settings.source(client());
    } else {
      StandaloneSettings settings = settings();
      process = settings.process().withCertificates(CertificateWiring.Options.of(
          tls.toStandaloneConfig(spec.commandLine(), settings.config().namespace()))
          .withTrusted(tls.acmeTrust(spec.commandLine())));
      source = settings.source();
    }
    // Before the listeners open: once /readyz answers, a SIGTERM must find the drain's handler.
    Signals.Trap signals = Signals.trap();
    ProxyProcess running;
    try {
      running = ProxyProcess.start(source, process.withAccessLog(AccessLogOptions.of(flags())));
    } catch (ListenerUnavailableException e) {
      spec.commandLine().getErr().println("bollard run: " + e.getMessage()
          + "; choose another address with " + e.flag() + " (or "
          + Setting.environmentVariable(e.flag()) + ")");
      return Main.EXIT_FAILURE;
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("bollard run: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    signals.awaitThenRun(() -> running.shutdownGracefully(process.server().shutdownGrace()));
    return 0;
  }

  /** An API client from {@code --kubeconfig}, else the in-cluster or local configuration. */
  private KubernetesClient client() throws IOException {
    io.fabric8.kubernetes.client.Config clientConfig;
    Path kubeconfig = flags().orNull(Catalog.KUBECONFIG);
    if (kubeconfig != null) {
      if (!Files.isRegularFile(kubeconfig)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--kubeconfig " + kubeconfig + ": no such file");
      }
      clientConfig =
          io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig));
    } else {
      clientConfig = io.fabric8.kubernetes.client.Config.autoConfigure(null);
    }
    return new KubernetesClientBuilder().withConfig(clientConfig).build();
  }

  /** The Kubernetes-mode settings the flags describe; a usage error if they do not make sense. */
  KubernetesSettings kubernetesSettings() {
    SettingValues flags = flags();
    String ownNamespace = ownNamespace(flags);
    String identity = System.getenv().getOrDefault("POD_NAME", "");
    if (identity.isEmpty()) {
      identity = hostName() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }
    return new KubernetesSettings(
        Catalog.server(flags),
        flags,
        flags.get(Catalog.ADMIN_LISTEN),
        classes.toSelection(),
        flags.get(Catalog.WATCH_NAMESPACE),
        config.family(ownNamespace),
        config.version(),
        flags.orNull(Catalog.PUBLISH_SERVICE),
        flags.get(Catalog.PUBLISH_STATUS_ADDRESS),
        election(flags, ownNamespace, identity),
        new WriteSettings(
            flags.get(Catalog.STATUS_WRITES_PER_SECOND),
            flags.get(Catalog.EVENT_WRITES_PER_SECOND),
            flags.get(Catalog.PROBLEM_EVENT_DELAY)),
        flags.get(Catalog.REBUILD_HOLD_OFF),
        checkedMaxDelay(flags),
        Duration.ofSeconds(5));
  }

  /** The leader Lease from the --leader-elect-* flags; a usage error if they do not fit. */
  private dev.bollard.controller.kube.LeaderElection.Settings election(
      SettingValues flags, String ownNamespace, String identity) {
    Duration lease = flags.get(Catalog.LEADER_LEASE_DURATION);
    Duration renew = flags.get(Catalog.LEADER_RENEW_DEADLINE);
    Duration retry = flags.get(Catalog.LEADER_RETRY_PERIOD);
    try {
      return new dev.bollard.controller.kube.LeaderElection.Settings(
          ownNamespace, flags.get(Catalog.ELECTION_ID), identity, lease, renew, retry);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--leader-elect-lease-duration " + lease + ", --leader-elect-renew-deadline " + renew
              + ", --leader-elect-retry-period " + retry + ": " + e.getMessage()
              + ". Keep lease duration > renew deadline > 1.2 x retry period (defaults 15s, 10s,"
              + " 2s).");
    }
  }

  /** The catalog's flags as parsed (each checked by its setting's parser). */
  private SettingValues flags() {
    return SettingOptions.values(spec);
  }

  private static String ownNamespace(SettingValues flags) {
    String namespace = flags.orNull(Catalog.NAMESPACE);
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    String pod = System.getenv("POD_NAMESPACE");
    return pod == null || pod.isBlank() ? "default" : pod;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "bollard";
    }
  }

  private Duration checkedMaxDelay(SettingValues flags) {
    Duration maxDelay = flags.get(Catalog.REBUILD_MAX_DELAY);
    Duration holdOff = flags.get(Catalog.REBUILD_HOLD_OFF);
    if (maxDelay.compareTo(holdOff) < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--rebuild-max-delay " + maxDelay + " is shorter than --rebuild-hold-off " + holdOff);
    }
    return maxDelay;
  }

  /** The settings the flags describe; a usage error if they do not make sense. */
  StandaloneSettings settings() {
    SettingValues flags = flags();
    Path manifests = flags.orNull(Catalog.MANIFESTS);
    if (manifests == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "missing --manifests DIR (or BOLLARD_MANIFESTS): the directory of Kubernetes YAML to"
              + " serve, e.g. --manifests examples");
    }
    if (!Files.isDirectory(manifests)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--manifests " + manifests + ": no such directory"
              + (Files.exists(manifests) ? " (it is a file; pass the directory holding it)" : ""));
    }
    Duration maxDelay = checkedMaxDelay(flags);
    String namespace = flags.orNull(Catalog.NAMESPACE);
    return new StandaloneSettings(
        manifests,
        Catalog.server(flags),
        flags,
        flags.get(Catalog.ADMIN_LISTEN),
        classes.toSelection(),
        flags.orNull(Catalog.ECHO_BACKEND),
        flags.get(Catalog.REBUILD_HOLD_OFF),
        maxDelay,
        config.family(namespace != null ? namespace : ResourceStore.DEFAULT_NAMESPACE),
        config.version());
  }
}
