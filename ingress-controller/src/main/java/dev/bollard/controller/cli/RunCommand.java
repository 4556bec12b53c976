package dev.bollard.controller.cli;

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
    description = {
      "Serve the Ingresses of a directory of Kubernetes YAML and reload on every change.",
      "Watching a cluster's API server instead of a directory comes in a later version;"
          + " --manifests is required until then.",
      "Admin endpoints on --admin-listen: /healthz (alive) and /readyz (a snapshot is served).",
      ""
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--manifests",
      paramLabel = "DIR",
      description =
          "Directory of Kubernetes YAML (Ingress, IngressClass, Service, EndpointSlice,"
              + " Endpoints), read recursively and watched. Required. Env: BOLLARD_MANIFESTS.")
  @Nullable Path manifests;

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

  @Mixin ServerOptions server;

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
    StandaloneSettings settings = settings();
    StandaloneRuntime runtime;
    try {
      runtime = StandaloneRuntime.start(settings);
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
    ServerSettings serverSettings;
    try {
      serverSettings = server.toSettings();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "invalid proxy setting: " + e.getMessage());
    }
    return new StandaloneSettings(
        manifests,
        serverSettings,
        adminListen,
        classes.toSelection(),
        echoBackend,
        rebuildHoldOff,
        rebuildMaxDelay);
  }
}
