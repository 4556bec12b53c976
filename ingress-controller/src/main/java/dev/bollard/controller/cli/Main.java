package dev.bollard.controller.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bollard} command line.
 *
 * <pre>
 * bollard run --manifests DIR [options]   serve a directory of Kubernetes YAML
 * bollard check DIR                       print every problem; exit 1 if there is any
 * bollard migrate --manifests DIR         what ingress-nginx Ingresses do under Bollard
 * bollard echo [--listen HOST:PORT]       the demo upstream
 * </pre>
 *
 * <p>Every option can also be set by an environment variable named after it: {@code
 * --upstream-read-timeout} is {@code BOLLARD_UPSTREAM_READ_TIMEOUT}; a flag wins over the
 * environment. Exit codes: 0 success, 1 problems found or failure at run time, 2 bad usage.
 */
public final class Main {

  /** Exit code for problems found ({@code check}) or a failure while running. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for a usage error: unknown flag, bad value, missing directory. */
  public static final int EXIT_USAGE = 2;

  private Main() {}

  /** The system property of Netty's buffer leak detector. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // Netty's default samples buffer allocations and records a stack trace for each sampled one,
    // a cost on every request a proxy serves; tests and `-Dio.netty.leakDetection.level=paranoid`
    // runs keep it. Set before any Netty class reads it.
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    // Native libraries, logging and fabric8's mapper load on another core meanwhile.
    StartupWarmup.begin(args, System.getenv());
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(System.getenv(), out, err, args);
    if (!Signals.jvmShuttingDown()) {
      // SIGTERM and SIGINT end the command (exit 0 after a clean drain); a shutdown started
      // otherwise runs the stop in a hook, and System.exit would block behind the hooks.
      System.exit(code);
    }
  }

  /**
   * Runs one command line in this JVM and returns its exit code; never calls {@code System.exit}.
   *
   * @param env the environment to read {@code BOLLARD_*} defaults from
   */
  public static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Bollard(), new CommandFactory(out, err));
    cli.setOut(out);
    cli.setErr(err);
    EnvironmentDefaults environment = new EnvironmentDefaults(env);
    cli.setDefaultValueProvider(environment);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, givenArgs) -> {
          // The message says what is wrong; the full usage would bury it.
          PrintWriter w = e.getCommandLine().getErr();
          w.println("bollard: " + usageMessage(e, environment, givenArgs));
          w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          w.flush();
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("bollard: " + e.getMessage());
          return EXIT_FAILURE;
        });
    return cli.execute(args);
  }

  /**
   * What was wrong, in the user's terms: an unknown command lists the commands, and a bad value
   * that came from the environment names the variable, not the flag nobody typed.
   */
  static String usageMessage(
      CommandLine.ParameterException e, EnvironmentDefaults environment, String[] givenArgs) {
    CommandLine where = e.getCommandLine();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && where.getCommandSpec().parent() == null
        && !where.getSubcommands().isEmpty()) {
      List<String> extra = unmatched.getUnmatched();
      String first = extra.isEmpty() ? "" : extra.get(0);
      if (!first.startsWith("-")) {
        return "unknown command '" + first + "'; commands are: "
            + String.join(", ", where.getSubcommands().keySet());
      }
    }
    if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option
        && option.longestName().startsWith("--")
        && !given(option.longestName(), givenArgs)) {
      String variable = environment.variableFor(option.longestName());
      if (variable != null) {
        String why = e.getCause() instanceof CommandLine.TypeConversionException conversion
            ? conversion.getMessage()
            : e.getMessage();
        return "environment variable " + variable + ": " + why
            + " (fix or unset it; " + option.longestName() + " on the command line wins)";
      }
    }
    return e.getMessage();
  }

  /**
   * Whether {@code flag} was typed on the command line ({@code --flag}, {@code --flag VALUE} or
   * {@code --flag=VALUE}), before any {@code --}.
   */
  static boolean given(String flag, String[] args) {
    return typedAt(flag, args) >= 0;
  }

  /**
   * The value typed for {@code flag} ({@code --flag VALUE} or {@code --flag=VALUE}, before any
   * {@code --}), or null when it was not typed or has no value.
   */
  static @Nullable String typedValue(String flag, String[] args) {
    int i = typedAt(flag, args);
    if (i < 0) {
      return null;
    }
    if (args[i].equals(flag)) {
      return i + 1 < args.length ? args[i + 1] : null;
    }
    return args[i].substring(flag.length() + 1);
  }

  /** Where {@code flag} was first typed, before any {@code --}; -1 when it was not. */
  private static int typedAt(String flag, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return -1;
      }
      if (arg.equals(flag) || arg.startsWith(flag + "=")) {
        return i;
      }
    }
    return -1;
  }

  /** The top-level command: only subcommands do something. */
  @Command(
      name = "bollard",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Bollard: an edge proxy and Kubernetes ingress controller.",
        "Every option can also be set by environment variable: --some-flag is BOLLARD_SOME_FLAG."
      },
      subcommands = {
        RunCommand.class,
        CheckCommand.class,
        MigrateCommand.class,
        EchoCommand.class,
        CommandLine.HelpCommand.class
      })
  static final class Bollard implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "missing command: try 'bollard run --manifests examples'");
    }
  }

  /** Hands the commands their output streams without globals. */
  private static final class CommandFactory implements CommandLine.IFactory {
    private final PrintWriter out;
    private final PrintWriter err;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(PrintWriter out, PrintWriter err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == CheckCommand.class) {
        return cls.cast(new CheckCommand(out));
      }
      if (cls == MigrateCommand.class) {
        return cls.cast(new MigrateCommand(out));
      }
      return fallback.create(cls);
    }
  }
}
