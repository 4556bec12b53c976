package dev.bollard.controller.cli;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.server.ServerSettings;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
      "Admin endpoints on --admin-listen: /healthz (alive), /readyz (a snapshot is served),"
          + " /status (config version in force, refusals, watch health).",
      ""
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--manifests",
      paramLabel = "DIR",
      description =
          "Directory of Kubernetes YAML (Ingress, IngressClass, Service, EndpointSlice,"
              + " Endpoints, ConfigMap), read recursively and watched: standalone mode. Without it"
              + " Bollard follows the cluster. Env: BOLLARD_MANIFESTS.")
  @Nullable Path manifests;

  @Mixin ConfigOptions config;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig to reach the API server; default: in-cluster config (or KUBECONFIG /"
              + " ~/.kube/config outside a cluster). Env: BOLLARD_KUBECONFIG.")
  @Nullable Path kubeconfig;

  @Option(
      names = "--watch-namespace",
      paramLabel = "NS[,NS...]",
      split = ",",
      description = "Only watch these namespaces; default: all. Env: BOLLARD_WATCH_NAMESPACE.")
  java.util.List<String> watchNamespaces = new java.util.ArrayList<>();

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description =
          "The controller's own namespace: the leader Lease and a --config without namespace"
              + " live here. Default: $POD_NAMESPACE, else default. Env: BOLLARD_NAMESPACE.")
  @Nullable String namespace;

  @Option(
      names = "--publish-service",
      paramLabel = "NS/NAME",
      description =
          "Service whose load-balancer address is written to our Ingresses' status."
              + " Env: BOLLARD_PUBLISH_SERVICE.")
  @Nullable String publishService;

  @Option(
      names = "--publish-status-address",
      paramLabel = "ADDR[,ADDR...]",
      split = ",",
      description =
          "Fixed IPs or host names for our Ingresses' status (wins over --publish-service)."
              + " Env: BOLLARD_PUBLISH_STATUS_ADDRESS.")
  java.util.List<String> publishStatusAddress = new java.util.ArrayList<>();

  @Option(
      names = "--election-id",
      paramLabel = "NAME",
      defaultValue = "bollard-leader",
      description =
          "Name of the coordination.k8s.io Lease replicas elect a leader with."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_ELECTION_ID.")
  String electionId;

  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8081",
      converter = Converters.AddressConverter.class,
      description =
          "Admin listener for /healthz and /readyz. Default: ${DEFAULT-VALUE}."
              + " Env: BOLLARD_ADMIN_LISTEN.")
  InetSocketAddress adminListen;

  @Mixin ClassOptions classes;

  @Mixin AccessLogOptions accessLog;

  @Mixin TlsOptions tls;

  @Option(
      names = "--with-echo-backend",
      paramLabel = "HOST:PORT",
      converter = Converters.AddressConverter.class,
      description =
          "Also start the demo echo backend in this process, e.g. 127.0.0.1:9000 for the"
              + " bundled examples. Env: BOLLARD_WITH_ECHO_BACKEND.")
  @Nullable InetSocketAddress echoBackend;

  @Option(
      names = "--rebuild-hold-off",
      paramLabel = "DURATION",
      defaultValue = "200ms",
      converter = Converters.DurationConverter.class,
      description =
          "Quiet time after a file change before rebuilding. Default: ${DEFAULT-VALUE}."
              + " Env: BOLLARD_REBUILD_HOLD_OFF.")
  Duration rebuildHoldOff;

  @Option(
      names = "--rebuild-max-delay",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = Converters.DurationConverter.class,
      description =
          "Longest wait from a change to its rebuild while changes keep coming."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_REBUILD_MAX_DELAY.")
  Duration rebuildMaxDelay;

  @Override
  public Integer call() throws Exception {
    if (manifests == null) {
      return runInCluster();
    }
    StandaloneSettings settings = settings();
    StandaloneRuntime runtime;
    try {
      runtime = StandaloneRuntime.start(settings, accessLog, CertificateWiring.standalone(
          tls.toStandaloneConfig(spec.commandLine(), settings.config().namespace()),
          java.util.List.of(), dev.bollard.acme.CertificateEvents.NONE,
          java.time.Clock.systemUTC()));
    } catch (UncheckedIOException e) {
      spec.commandLine()
          .getErr()
          .println(
              "bollard run: "
                  + e.getMessage()
                  + "; choose other addresses with --listen, --admin-listen or"
                  + " --with-echo-backend");
      return Main.EXIT_FAILURE;
    }
    Signals.awaitShutdown(() -> runtime.shutdownGracefully(settings.server().shutdownGrace()));
    return 0;
  }

  private Integer runInCluster() throws Exception {
    KubernetesSettings settings = kubernetesSettings();
    io.fabric8.kubernetes.client.Config clientConfig;
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
    KubernetesRuntime runtime;
    try {
      runtime =
          KubernetesRuntime.start(
              settings,
              new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                  .withConfig(clientConfig)
                  .build(),
              accessLog,
              tls.toConfig(spec.commandLine(), settings.election().namespace()));
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("bollard run: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    Signals.awaitShutdown(() -> runtime.shutdownGracefully(settings.server().shutdownGrace()));
    return 0;
  }

  /** The Kubernetes-mode settings the flags describe; a usage error if they do not make sense. */
  KubernetesSettings kubernetesSettings() {
    String ownNamespace = ownNamespace();
    String identity = System.getenv().getOrDefault("POD_NAME", "");
    if (identity.isEmpty()) {
      identity = hostName() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }
    if (publishService != null && !publishService.matches("[^/]+/[^/]+")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--publish-service " + publishService + ": expected NAMESPACE/NAME, e.g."
              + " ingress/bollard");
    }
    return new KubernetesSettings(
        serverSettings(),
        SettingOptions.values(spec),
        adminListen,
        classes.toSelection(),
        watchNamespaces,
        config.family(spec, ownNamespace),
        config.version(),
        publishService,
        publishStatusAddress,
        new dev.bollard.controller.kube.LeaderElection.Settings(
            ownNamespace,
            electionId,
            identity,
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2)),
        rebuildHoldOff,
        checkedMaxDelay(),
        Duration.ofSeconds(5));
  }

  private String ownNamespace() {
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

  private Duration checkedMaxDelay() {
    if (rebuildMaxDelay.compareTo(rebuildHoldOff) < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--rebuild-max-delay " + rebuildMaxDelay + " is shorter than --rebuild-hold-off "
              + rebuildHoldOff);
    }
    return rebuildMaxDelay;
  }

  /** The proxy's fixed settings, from the catalog's flags (each checked by its parser). */
  private ServerSettings serverSettings() {
    return Catalog.server(SettingOptions.values(spec));
  }

  /** The settings the flags describe; a usage error if they do not make sense. */
  StandaloneSettings settings() {
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
    if (rebuildMaxDelay.compareTo(rebuildHoldOff) < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--rebuild-max-delay " + rebuildMaxDelay + " is shorter than --rebuild-hold-off "
              + rebuildHoldOff);
    }
    return new StandaloneSettings(
        manifests,
        serverSettings(),
        SettingOptions.values(spec),
        adminListen,
        classes.toSelection(),
        echoBackend,
        rebuildHoldOff,
        rebuildMaxDelay,
        config.family(spec, namespace != null ? namespace : ResourceStore.DEFAULT_NAMESPACE),
        config.version());
  }
}
