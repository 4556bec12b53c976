package dev.bollard.controller.cli;

import dev.bollard.controller.source.ManifestDirectory;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.proxy.config.RoutingSnapshot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bollard check DIR}: like {@code nginx -t}, for a manifest directory. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
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

  @Mixin ClassOptions classes;

  CheckCommand(PrintWriter out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "check " + dir + ": no such directory");
    }
    ManifestTranslation.Outcome outcome =
        ManifestTranslation.run(
            new ManifestDirectory(dir), new SnapshotTranslator(classes.toSelection()));
    List<Problem> problems = outcome.result().problems();
    for (Problem problem : problems) {
      out.println(problem);
    }
    RoutingSnapshot snapshot = outcome.result().snapshot();
    int routes = snapshot.virtualHosts().stream().mapToInt(vh -> vh.routes().size()).sum();
    String counts =
        plural(outcome.manifests().files(), "file")
            + ", "
            + plural(outcome.manifests().resources().size(), "resource")
            + ", "
            + plural(snapshot.virtualHosts().size(), "host")
            + ", "
            + plural(routes, "route")
            + (snapshot.defaultBackend() == null ? "" : ", a default backend");
    if (problems.isEmpty()) {
      out.println(dir + ": ok (" + counts + ")");
      out.flush();
      return 0;
    }
    out.println(dir + ": " + plural(problems.size(), "problem") + " (" + counts + ")");
    out.flush();
    return Main.EXIT_FAILURE;
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
