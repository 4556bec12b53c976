package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.Setting;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.server.ServerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void checkOfTheBundledExamplesIsClean() {
    int code = run(Map.of(), "check", "../examples");

    assertThat(err.toString()).isEmpty();
    // Counts change as features add examples; what matters is "ok" and the config in force.
    assertThat(out.toString())
        .startsWith("../examples: ok (")
        .endsWith(", config ConfigMap default/bollard-config-v1 (version 1))\n");
    assertThat(code).isZero();
  }

  @Test
  void checkPrintsEveryProblemAndExits1() throws IOException {
    Files.writeString(dir.resolve("a-broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [\n");
    Files.writeString(dir.resolve("b-no-kind.yaml"), "metadata:\n  name: x\n");
    Files.writeString(dir.resolve("c-fine.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");

    int code = run(Map.of(), "check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines())
        .hasSize(3)
        .satisfies(
            lines -> {
              assertThat(lines.get(0)).startsWith(dir.resolve("a-broken.yaml") + ": line 4, column 1: invalid YAML");
              assertThat(lines.get(1)).startsWith(dir.resolve("b-no-kind.yaml") + ": document 1 at line 1");
              assertThat(lines.get(2)).isEqualTo(dir + ": 2 problems (3 files, 1 resource, 0 hosts, 0 routes)");
            });
  }

  @Test
  void checkReportsAGlobalGuardWhoseSecretIsMissing() throws IOException {
    Files.writeString(dir.resolve("config.yaml"), String.join("\n",
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: bollard-config-v1",
        "  labels:",
        "    bollard.dev/config: bollard",
        "    bollard.dev/config-version: \"1\"",
        "data:",
        "  bollard-auth-hosts: \"*.preview.example.com\"",
        "  bollard-auth-secret: default/preview-users",
        ""));

    int code = run(Map.of(), "check", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("bollard-auth-secret").contains("default/preview-users");
  }

  @Test
  void controllerNameServesAnotherControllersIngressClass() throws IOException {
    // ingress-nginx's class, as its chart installs it; the Service is missing, so an Ingress we
    // serve is a problem and one we ignore is not.
    Files.writeString(dir.resolve("nginx.yaml"), String.join("\n",
        "apiVersion: networking.k8s.io/v1",
        "kind: IngressClass",
        "metadata:",
        "  name: nginx",
        "spec:",
        "  controller: k8s.io/ingress-nginx",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata:",
        "  name: shop",
        "  namespace: shop",
        "spec:",
        "  ingressClassName: nginx",
        "  defaultBackend:",
        "    service:",
        "      name: missing",
        "      port:",
        "        number: 80",
        ""));

    assertThat(run(Map.of(), "check", dir.toString(), "--ingress-class", "nginx")).isZero();
    assertThat(run(Map.of(), "check", dir.toString(), "--ingress-class", "nginx",
        "--controller-name", "k8s.io/ingress-nginx")).isEqualTo(1);
    assertThat(out.toString()).contains("Ingress shop/shop").contains("missing");
    assertThat(run(Map.of(), "check", dir.toString(), "--controller-name", "nginx")).isEqualTo(2);
    assertThat(err.toString()).contains("--controller-name")
        .contains("expected: a domain-prefixed path, e.g. k8s.io/ingress-nginx");
  }

  @Test
  void checkOfAMissingDirectoryIsAUsageError() {
    int code = run(Map.of(), "check", dir.resolve("nope").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("check " + dir.resolve("nope") + ": no such directory");
  }

  @Test
  void runWithAMissingKubeconfigSaysWhatToDo() {
    // Without --manifests, run follows a cluster; a kubeconfig that is not there is bad usage.
    int code = run(Map.of(), "run", "--kubeconfig", "/no/such/kubeconfig");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--kubeconfig /no/such/kubeconfig: no such file");
  }

  @Test
  void aBadConfigFamilyIsBadUsage() {
    int code = run(Map.of(), "run", "--kubeconfig", "/no/such/kubeconfig", "--config", "a/b/c");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("'--config'", "\"a/b/c\" (expected: NAMESPACE/NAME or NAME)");
  }

  @Test
  void runWithAMissingDirectoryNamesIt() {
    int code = run(Map.of(), "run", "--manifests", "/no/such/dir");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--manifests /no/such/dir: no such directory");
  }

  @Test
  void badDurationNamesTheFormat() {
    int code = run(Map.of(), "run", "--manifests", dir.toString(), "--upstream-read-timeout", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--upstream-read-timeout",
        "\"soon\" is not a duration (expected e.g. 60 or 60s, 500ms, 5m, 1h)");
  }

  @Test
  void outOfRangeProxySettingIsAUsageError() {
    int code = run(Map.of(), "run", "--manifests", dir.toString(), "--max-header-bytes", "10");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--max-header-bytes",
        "\"10\" (expected: a whole number of at least 1024)");
  }

  @Test
  void flagDefaultsAreTheProxyDefaults() {
    StandaloneSettings settings = parseRun(Map.of(), "--manifests", dir.toString());

    assertThat(settings.server())
        .isEqualTo(ServerSettings.defaults(new InetSocketAddress("0.0.0.0", 8080)));
    assertThat(settings.configDefaults().with(Catalog.MANIFESTS, null))
        .isEqualTo(SettingValues.DEFAULTS);
    assertThat(Catalog.global(settings.configDefaults()).timeouts())
        .isEqualTo(GlobalSettings.Timeouts.DEFAULTS);
    assertThat(settings.adminListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 8081));
    assertThat(settings.classes().className()).isEqualTo("bollard");
    assertThat(settings.classes().watchWithoutClass()).isFalse();
    assertThat(settings.echoBackend()).isNull();
    assertThat(settings.rebuildHoldOff()).isEqualTo(StandaloneSettings.DEFAULT_HOLD_OFF);
    assertThat(settings.rebuildMaxDelay()).isEqualTo(StandaloneSettings.DEFAULT_MAX_DELAY);
  }

  @Test
  void environmentSetsOptionsAndFlagsWin() {
    StandaloneSettings settings =
        parseRun(
            Map.of(
                "BOLLARD_MANIFESTS", dir.toString(),
                "BOLLARD_UPSTREAM_READ_TIMEOUT", "90s",
                "BOLLARD_LISTEN", "127.0.0.1:18080",
                "BOLLARD_WATCH_INGRESS_WITHOUT_CLASS", "true",
                "BOLLARD_IO_THREADS", "3"),
            "--io-threads", "4", "--shutdown-grace", "500ms", "--with-echo-backend", ":9000");

    assertThat(settings.manifests()).isEqualTo(dir);
    assertThat(settings.configDefaults().get(Catalog.READ_TIMEOUT))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.server().bind()).isEqualTo(new InetSocketAddress("127.0.0.1", 18080));
    assertThat(settings.server().ioThreads()).isEqualTo(4);
    assertThat(settings.server().shutdownGrace()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.classes().watchWithoutClass()).isTrue();
    assertThat(settings.echoBackend()).isEqualTo(new InetSocketAddress(9000));
  }

  @Test
  void helpListsEveryCommandAndEnvironmentVariables() {
    int code = run(Map.of(), "--help");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("run", "check", "echo", "BOLLARD_SOME_FLAG");
  }

  @Test
  void everyRunOptionNamesItsEnvironmentVariable() {
    int code = run(Map.of(), "run", "--help");

    assertThat(code).isZero();
    CommandLine run = new CommandLine(new RunCommand());
    for (var option : run.getCommandSpec().options()) {
      String name = option.longestName();
      if (!name.equals("--help") && !name.equals("--version")) {
        assertThat(out.toString()).as(name).contains(Setting.environmentVariable(name));
      }
    }
  }

  @Test
  void everyCatalogFlagIsARunOptionWithItsDefault() {
    CommandLine run = new CommandLine(new RunCommand());
    for (Setting<?> s : SettingOptions.FLAGS) {
      var option = run.getCommandSpec().findOption(s.flag());
      assertThat(option).as(s.flag()).isNotNull();
      assertThat(option.defaultValue()).as(s.flag()).isEqualTo(s.defaultValue());
    }
  }

  @Test
  void theReadmeShowsTheFlagTable() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme).contains(SettingOptions.markdownTable());
  }

  @Test
  void clusterFlagsAreParsedByTheirSettings() {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("BOLLARD_NAMESPACE", "ingress")));
    cli.parseArgs("--watch-namespace=staging,previews", "--publish-service", "ingress/bollard",
        "--rebuild-hold-off", "1s", "--watch-ingress-without-class", "--config", "team/edge");

    KubernetesSettings settings = command.kubernetesSettings();

    assertThat(settings.watchNamespaces()).containsExactly("staging", "previews");
    assertThat(settings.publishService()).isEqualTo("ingress/bollard");
    assertThat(settings.election().namespace()).isEqualTo("ingress");
    assertThat(settings.election().electionId()).isEqualTo("bollard-leader");
    assertThat(settings.rebuildHoldOff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.server().bind()).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
    assertThat(settings.classes().watchWithoutClass()).isTrue();
    assertThat(settings.config()).hasToString("team/edge");
  }

  @Test
  void leaderElectionTimingsAreFlags() {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of()));
    cli.parseArgs("--leader-elect-lease-duration", "30s", "--leader-elect-renew-deadline", "20s",
        "--leader-elect-retry-period", "4s");

    KubernetesSettings settings = command.kubernetesSettings();

    assertThat(settings.election().leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.election().renewDeadline()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.election().retryPeriod()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aRenewDeadlineNotShorterThanTheLeaseIsAUsageErrorNamingTheFlags() {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of()));
    cli.parseArgs("--leader-elect-lease-duration", "10s", "--leader-elect-renew-deadline", "10s");

    assertThatThrownBy(command::kubernetesSettings)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--leader-elect-renew-deadline PT10S")
        .hasMessageContaining("shorter than the lease duration PT10S");
  }

  @Test
  void aBadClusterFlagIsAUsageErrorNamingIt() {
    int code = run(Map.of(), "run", "--publish-service", "bollard");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--publish-service",
        "\"bollard\" (expected: NAMESPACE/NAME, e.g. ingress/bollard)");
  }

  @Test
  void aMaxDelayShorterThanTheHoldOffIsAUsageError() {
    int code = run(Map.of(), "run", "--manifests", dir.toString(), "--rebuild-hold-off", "3s",
        "--rebuild-max-delay", "1s");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--rebuild-max-delay PT1S is shorter than"
        + " --rebuild-hold-off PT3S");
  }

  @Test
  void accessLogFlagsBecomeTheRuntimesOptions() {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("BOLLARD_ACCESS_LOG", "off")));
    cli.parseArgs("--access-log-format", "TEXT", "--access-log-queue", "10");

    AccessLogOptions options = AccessLogOptions.of(SettingOptions.values(command.spec));

    assertThat(options.destination).isEqualTo("off");
    assertThat(options.format).isEqualTo(AccessLog.Format.TEXT);
    assertThat(options.queue).isEqualTo(10);
    assertThat(run(Map.of(), "run", "--access-log-format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--access-log-format",
        "\"xml\" is not an access-log format (expected: json or text)");
  }

  @Test
  void versionWorksOnEveryCommand() {
    assertThat(run(Map.of(), "--version")).isZero();
    assertThat(run(Map.of(), "check", "--version")).isZero();
    assertThat(out.toString()).contains("bollard ");
  }

  @Test
  void noCommandIsAUsageError() {
    int code = run(Map.of());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("missing command");
  }

  @Test
  void aBadEnvironmentVariableIsNamedNotTheFlag() {
    int code = run(Map.of("BOLLARD_LISTEN", "foo"), "run", "--manifests", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("environment variable BOLLARD_LISTEN", "\"foo\"", "HOST:PORT")
        .doesNotContain("option '--listen'");
  }

  @Test
  void aBadFlagIsStillNamedAsTheFlag() {
    int code = run(Map.of("BOLLARD_LISTEN", "127.0.0.1:1"), "run", "--manifests", dir.toString(),
        "--listen", "foo");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'--listen'", "\"foo\"")
        .doesNotContain("environment variable");
  }

  @Test
  void anUnknownCommandListsTheCommands() {
    int code = run(Map.of(), "frob", "--manifests", "x");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown command 'frob'; commands are: run, check, migrate, echo, help")
        .doesNotContain("Unmatched argument");
  }

  @Test
  void helpRunShowsEachValueLabelOnceAndBreaksOnlyBetweenWords() {
    int code = run(Map.of(), "help", "run");

    assertThat(code).isZero();
    String help = out.toString();
    assertThat(help)
        .contains("--publish-status-address=ADDR[,ADDR...]\n")
        .contains("--watch-namespace=NS[,NS...]\n")
        .doesNotContain("[,ADDR[")
        .doesNotContain("[,NS[");
    // Lines break between words only, never inside 0.0.0.0:8080 or bollard.dev/config=NAME.
    java.util.Set<String> words = new java.util.HashSet<>(java.util.List.of(help.split("\\s+")));
    for (Setting<?> s : SettingOptions.FLAGS) {
      String d = s.defaultValue() == null ? "" : s.defaultValue();
      for (String word : s.description().split(" ")) {
        assertThat(words).as(s.flag() + ": " + word).contains(word);
      }
      assertThat(words).as(s.flag()).contains(d.isEmpty() ? "Env:" : d + ".");
    }
  }

  @Test
  void adminListenHelpNamesEveryEndpoint() {
    run(Map.of(), "run", "--help");

    String adminHelp = out.toString().replaceAll("\\s+", " ");
    adminHelp = adminHelp.substring(adminHelp.indexOf("--admin-listen=HOST:PORT"));
    adminHelp = adminHelp.substring(0, adminHelp.indexOf("Env:"));
    assertThat(adminHelp).contains("/healthz", "/readyz", "/status", "/metrics");
  }

  @Test
  void aPortInUseNamesTheListenerAndItsFlag() throws IOException {
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String taken = "127.0.0.1:" + busy.getLocalPort();
      Map<String, String> free = Map.of(
          "--listen", "127.0.0.1:0", "--https-listen", "127.0.0.1:0", "--admin-listen",
          "127.0.0.1:0");
      Map<String, String> names = Map.of(
          "--listen", "proxy listener", "--https-listen", "HTTPS listener", "--admin-listen",
          "admin listener");
      for (String flag : free.keySet()) {
        err.getBuffer().setLength(0);
        java.util.List<String> args = new java.util.ArrayList<>(
            java.util.List.of("run", "--manifests", dir.toString()));
        free.forEach((f, address) -> args.addAll(
            java.util.List.of(f, f.equals(flag) ? taken : address)));

        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> run(Map.of(), args.toArray(String[]::new)));

        assertThat(code).as(flag).isEqualTo(1);
        assertThat(err.toString()).as(flag)
            .contains(names.get(flag) + " " + taken)
            .contains("choose another address with " + flag + " (or "
                + Setting.environmentVariable(flag) + ")");
        names.forEach((f, name) -> {
          if (!f.equals(flag)) {
            assertThat(err.toString()).as(flag).doesNotContain(name).doesNotContain(f + " ");
          }
        });
      }
    }
  }

  private int run(Map<String, String> env, String... args) {
    return Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** Parses 'run' flags the way Main does, without starting anything. */
  private static StandaloneSettings parseRun(Map<String, String> env, String... args) {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(env));
    cli.parseArgs(args);
    return command.settings();
  }
}
