package dev.bollard.controller.cli;

import dev.bollard.controller.migrate.HumanReport;
import dev.bollard.controller.migrate.JsonReport;
import dev.bollard.controller.migrate.MigrationAnalysis;
import dev.bollard.controller.migrate.MigrationAnalysis.NginxConfigMap;
import dev.bollard.controller.migrate.MigrationReport;
import dev.bollard.controller.source.ManifestDirectory;
import dev.bollard.controller.source.Manifests;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bollard migrate}: what the Ingresses written for ingress-nginx (and its ConfigMap) would
 * do under Bollard, per Ingress and annotation; exit 1 if anything would behave differently.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Report, per Ingress and per annotation of ingress-nginx, whether Bollard honours it,"
          + " honours it with a difference (which), ignores it (why), refuses it (which snippet"
          + " directive) or plans it (which issue), with each Ingress's other problems and a"
          + " summary line. Exit 1 if anything would behave differently under Bollard, else 0."
          + " Reads a manifest directory, or the cluster (--kubeconfig, else the usual kubeconfig"
          + " or in-cluster config). See docs/ingress-nginx.md.",
      ""
    })
final class MigrateCommand implements Callable<Integer> {

  /** How the report is written. */
  enum Output { human, json }

  private final PrintWriter out;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--manifests", paramLabel = "DIR",
      description = "Directory of Kubernetes YAML to read (recursively). Without it: the cluster.")
  @Nullable Path manifests;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to read the cluster with. Without it and without --manifests:"
          + " KUBECONFIG, ~/.kube/config or the in-cluster config.")
  @Nullable Path kubeconfig;

  @Option(names = "--nginx-class", paramLabel = "NAME",
      description = "Only Ingresses of this class (the kubernetes.io/ingress.class annotation,"
          + " else spec.ingressClassName). Without it: every Ingress.")
  @Nullable String nginxClass;

  @Option(names = "--nginx-configmap", paramLabel = "FILE|NS/NAME",
      description = "ingress-nginx's controller ConfigMap: a YAML file, or namespace/name among"
          + " what was read (directory or cluster). Its keys are reported too.")
  @Nullable String nginxConfigMap;

  @Option(names = "--output", paramLabel = "human|json", defaultValue = "human",
      description = "human (default): grouped by Ingress, with what to do; json: one object for"
          + " machines.")
  Output output = Output.human;

  MigrateCommand(PrintWriter out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    if (manifests != null && kubeconfig != null) {
      throw usage("--manifests and --kubeconfig: give one of them (a directory, or the cluster)");
    }
    List<HasMetadata> resources;
    List<Problem> problems;
    if (manifests != null) {
      if (!Files.isDirectory(manifests)) {
        throw usage("--manifests " + manifests + ": no such directory");
      }
      Manifests read = new ManifestDirectory(manifests).load();
      resources = read.resources();
      problems = read.problems();
    } else {
      resources = readCluster();
      problems = List.of();
    }
    MigrationReport report = MigrationAnalysis.analyse(resources, problems, nginxClass,
        nginxConfigMap == null ? null : configMap(nginxConfigMap, resources));
    if (output == Output.json) {
      out.println(JsonReport.render(report));
    } else {
      HumanReport.write(report, out);
    }
    out.flush();
    return report.changesBehaviour() ? Main.EXIT_FAILURE : 0;
  }

  /** ingress-nginx's ConfigMap from a file, else by namespace/name among what was read. */
  private NginxConfigMap configMap(String ref, List<HasMetadata> resources) throws IOException {
    Path file = Path.of(ref);
    if (Files.isRegularFile(file)) {
      Object parsed;
      try {
        parsed = new KubernetesSerialization().unmarshal(Files.readString(file));
      } catch (RuntimeException e) {
        throw usage("--nginx-configmap " + ref + ": not Kubernetes YAML (" + e.getMessage() + ")");
      }
      if (!(parsed instanceof ConfigMap map)) {
        throw usage("--nginx-configmap " + ref + ": not a ConfigMap (expected kind: ConfigMap)");
      }
      return new NginxConfigMap(ref, data(map));
    }
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
      throw usage("--nginx-configmap " + ref + ": no such file, and not namespace/name");
    }
    for (HasMetadata r : resources) {
      if (r instanceof ConfigMap map
          && ref.equals(ResourceStore.namespaceOf(map) + "/" + map.getMetadata().getName())) {
        return new NginxConfigMap(ref, data(map));
      }
    }
    throw usage("--nginx-configmap " + ref + ": no such ConfigMap in "
        + (manifests != null ? manifests : "the cluster"));
  }

  private static Map<String, String> data(ConfigMap map) {
    return map.getData() == null ? Map.of() : map.getData();
  }

  /** Everything translation reads, from the cluster. */
  private List<HasMetadata> readCluster() throws IOException {
    io.fabric8.kubernetes.client.Config config;
    if (kubeconfig != null) {
      if (!Files.isRegularFile(kubeconfig)) {
        throw usage("--kubeconfig " + kubeconfig + ": no such file");
      }
      config = io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig));
    } else {
      config = io.fabric8.kubernetes.client.Config.autoConfigure(null);
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      List<HasMetadata> all = new ArrayList<>();
      all.addAll(client.network().v1().ingresses().inAnyNamespace().list().getItems());
      all.addAll(client.network().v1().ingressClasses().list().getItems());
      all.addAll(client.services().inAnyNamespace().list().getItems());
      all.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
      all.addAll(client.secrets().inAnyNamespace().list().getItems());
      all.addAll(client.configMaps().inAnyNamespace().list().getItems());
      return all;
    } catch (KubernetesClientException e) {
      throw new CommandLine.ExecutionException(spec.commandLine(),
          "cannot read the cluster at " + config.getMasterUrl() + ": " + e.getMessage()
              + " (check --kubeconfig and that it may list Ingresses, Services, EndpointSlices,"
              + " Secrets and ConfigMaps in all namespaces)", e);
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
