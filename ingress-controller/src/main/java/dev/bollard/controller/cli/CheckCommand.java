package dev.bollard.controller.cli;

import dev.bollard.controller.settings.ConfigState;
import dev.bollard.controller.settings.ConfigValidation;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.source.ManifestDirectory;
import dev.bollard.controller.source.Manifests;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.IngressStatusPlan;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.RoutingSnapshot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bollard check DIR}: like {@code nginx -t}, for a manifest directory. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    modelTransformer = SettingOptions.ForCheck.class,
    description = {
      "Read a directory of Kubernetes YAML as 'run' would, print every problem (one per line:"
          + " file or resource, field or position, what is wrong) and exit 1 if there is any;"
          + " otherwise print a one-line summary and exit 0.",
      ""
    })
final class CheckCommand implements Callable<Integer> {

  private final PrintWriter out;

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The manifest directory.")
  Path dir;

  final ClassOptions classes = new ClassOptions(this::flags);

  final ConfigOptions config = new ConfigOptions(this::flags);

  CheckCommand(PrintWriter out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "check " + dir + ": no such directory");
    }
    Manifests manifests = new ManifestDirectory(dir).load();
    // The very translation `run` publishes, so check reports what run would serve.
    TranslationResult result =
        new SnapshotTranslator(
                classes.toSelection(),
                new GlobalConfig(config.family(ResourceStore.DEFAULT_NAMESPACE), config.version(),
                    flags()),
                IngressStatusPlan.Address.NONE)
            .translate(
                new SourceRead(ResourceStore.of(manifests.resources()), manifests.problems()),
                GlobalConfig.History.EMPTY);
    List<Problem> problems = new ArrayList<>(result.problems());
    ConfigState configState = result.config().state();
    for (ConfigValidation refused : configState.refused()) {
      for (String error : refused.errors()) {
        int colon = error.indexOf(": ");
        problems.add(
            new Problem(
                refused.version().toString(),
                colon < 0 ? "data" : error.substring(0, colon),
                (colon < 0 ? error : error.substring(colon + 2))
                    + "; this version is refused as a whole"));
      }
    }
    if (configState.active() == null && config.version() >= 0) {
      problems.add(new Problem("config " + configState.family(), "--config-version",
          configState.note()));
    }
    for (Problem problem : problems) {
      out.println(problem);
    }
    RoutingSnapshot snapshot = result.snapshot();
    int routes = snapshot.virtualHosts().stream().mapToInt(vh -> vh.routes().size()).sum();
    String counts =
        plural(manifests.files(), "file")
            + ", "
            + plural(manifests.resources().size(), "resource")
            + ", "
            + plural(snapshot.virtualHosts().size(), "host")
            + ", "
            + plural(routes, "route")
            + (snapshot.defaultBackend() == null ? "" : ", a default backend")
            + (configState.active() == null ? "" : ", config " + configState.active());
    if (problems.isEmpty()) {
      out.println(dir + ": ok (" + counts + ")");
      out.flush();
      return 0;
    }
    out.println(dir + ": " + plural(problems.size(), "problem") + " (" + counts + ")");
    out.flush();
    return Main.EXIT_FAILURE;
  }

  private SettingValues flags() {
    return SettingOptions.values(spec);
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
