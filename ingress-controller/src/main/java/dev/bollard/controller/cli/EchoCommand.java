package dev.bollard.controller.cli;

import dev.bollard.controller.echo.EchoBackend;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bollard echo}: the demo upstream on its own. */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the echo backend: an HTTP server that answers every request with a JSON dump of what"
          + " it received and sets X-Log-* headers like an instrumented application.",
      ""
    })
final class EchoCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(EchoCommand.class);

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9000",
      converter = Converters.AddressConverter.class,
      description = "Where to listen. Default: ${DEFAULT-VALUE}. Env: BOLLARD_LISTEN.")
  InetSocketAddress listen;

  @Option(
      names = "--name",
      defaultValue = "echo",
      description = "Name reported in responses (X-Echo-Server). Default: ${DEFAULT-VALUE}.")
  String name;

  @Override
  public Integer call() throws Exception {
    Signals.Trap signals = Signals.trap();
    EchoBackend echo;
    try {
      echo = EchoBackend.start(listen, name);
    } catch (UncheckedIOException e) {
      spec.commandLine()
          .getErr()
          .println("bollard echo: " + e.getMessage() + "; choose another with --listen");
      return Main.EXIT_FAILURE;
    }
    log.info("Echo backend '{}' listening on {}:{}", name, listen.getHostString(), echo.port());
    signals.awaitThenRun(echo::close);
    return 0;
  }
}
