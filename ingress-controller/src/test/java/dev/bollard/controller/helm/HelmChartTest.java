package dev.bollard.controller.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.LintResult;
import dev.bollard.controller.cli.Main;
import dev.bollard.controller.settings.ConfigKeys;
import dev.bollard.proxy.admin.AdminServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The Helm chart, rendered for its defaults and for the value sets a team really installs, checked
 * against the binary: the documented RBAC, the admin server's real paths, the CLI's real flags,
 * and {@code bollard check} on the rendered settings.
 */
class HelmChartTest {

  private static final String DEFAULTS = "defaults";
  private static final String PROD = "prod-acme.yaml";
  private static final String STAGING = "staging-basic-auth.yaml";
  private static final String DAEMONSET = "daemonset-proxy-protocol.yaml";
  private static final String CUTOVER = "cutover-ingress-nginx.yaml";

  /** Each helm-java call costs about a second: render each value set once. */
  private static final Map<String, RenderedChart> RENDERED = new ConcurrentHashMap<>();

  @TempDir Path dir;

  static Stream<String> valueSets() {
    return Stream.of(DEFAULTS, PROD, STAGING, DAEMONSET, CUTOVER);
  }

  private static RenderedChart rendered(String valueSet) {
    return RENDERED.computeIfAbsent(
        valueSet, v -> v.equals(DEFAULTS) ? RenderedChart.render() : RenderedChart.render(v));
  }

  @Test
  void lintStrictPasses() {
    LintResult lint = RenderedChart.lint();

    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(lint.isFailed()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void rbacIsExactlyTheDocumentedTable(String valueSet) {
    RenderedChart chart = rendered(valueSet);
    DocumentedRbac doc = DocumentedRbac.read();

    Set<String> clusterWide = permissions(chart.all(ClusterRole.class).stream()
        .flatMap(r -> r.getRules().stream()).toList());
    Set<String> ownNamespace = permissions(chart.all(Role.class).stream()
        .filter(r -> r.getMetadata().getNamespace().equals(RenderedChart.NAMESPACE))
        .flatMap(r -> r.getRules().stream()).toList());
    Set<String> all = new HashSet<>(clusterWide);
    chart.all(Role.class).forEach(r -> all.addAll(permissions(r.getRules())));

    boolean acme = args(chart).stream().anyMatch(a -> a.startsWith("--acme-directory="));
    assertThat(all).containsExactlyInAnyOrderElementsOf(doc.permissions(acme));
    assertThat(ownNamespace).containsAll(doc.namespaceOnlyPermissions(acme));
    assertThat(clusterWide).doesNotContainAnyElementsOf(doc.namespaceOnlyPermissions(acme));
    assertThat(chart.all(Role.class))
        .filteredOn(r -> !r.getMetadata().getNamespace().equals(RenderedChart.NAMESPACE))
        .allSatisfy(r -> assertThat(permissions(r.getRules()))
            .doesNotContainAnyElementsOf(doc.namespaceOnlyPermissions(acme)));
    String serviceAccount = podTemplate(chart).getSpec().getServiceAccountName();
    assertThat(chart.all(ClusterRoleBinding.class)).allSatisfy(b -> assertThat(b.getSubjects())
        .singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo(serviceAccount)));
    assertThat(chart.all(RoleBinding.class)).isNotEmpty().allSatisfy(b -> assertThat(
        b.getSubjects()).singleElement().satisfies(s -> {
          assertThat(s.getName()).isEqualTo(serviceAccount);
          assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        }));
  }

  @Test
  void watchedNamespacesGetRolesAndNoClusterWideRead() {
    RenderedChart chart = rendered(STAGING);

    assertThat(chart.one(ClusterRole.class).getRules())
        .singleElement()
        .satisfies(rule -> assertThat(rule.getResources()).containsExactly("ingressclasses"));
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder(RenderedChart.NAMESPACE, "staging", "previews");
    assertThat(args(chart)).contains("--watch-namespace=staging,previews");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void probesAndScrapesHitPathsTheAdminServerServes(String valueSet) throws Exception {
    RenderedChart chart = rendered(valueSet);
    Container container = container(chart);
    List<HTTPGetAction> gets = new ArrayList<>();
    for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
        container.getReadinessProbe())) {
      assertThat(probe).as("probe").isNotNull();
      gets.add(probe.getHttpGet());
    }
    int adminPort = port(container, "admin");
    assertThat(flagPort(chart, "--admin-listen")).isEqualTo(adminPort);
    List<String> paths = new ArrayList<>(gets.stream().map(HTTPGetAction::getPath).toList());
    for (HTTPGetAction get : gets) {
      assertThat(get.getPort().getStrVal()).isEqualTo("admin");
    }
    for (HasMetadata monitor : chart.ofKind("ServiceMonitor")) {
      paths.add(serviceMonitorPath(monitor));
    }
    assertThat(paths).contains("/healthz", "/readyz");

    try (AdminServer admin = AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0), () -> true, () -> "{}", () -> "# metrics\n")) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (String path : paths) {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void renderedArgsAndEnvironmentAreOptionsTheBinaryAccepts(String valueSet) throws Exception {
    RenderedChart chart = rendered(valueSet);
    Container container = container(chart);
    List<String> args = container.getArgs();
    assertThat(args.get(0)).isEqualTo("run");
    List<String> flags = args.subList(1, args.size());

    // The binary's own `run` model: an unknown flag or a value its converter refuses throws.
    CommandLine run = runCommandLine();
    CommandLine.ParseResult parsed = run.parseArgs(flags.toArray(String[]::new));

    assertThat(parsed.unmatched()).isEmpty();
    assertThat(parsed.matchedOptions()).hasSize(flags.size());
    assertThatThrownBy(() -> runCommandLine().parseArgs("--no-such-flag=1"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    Set<String> options = new HashSet<>();
    run.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().startsWith("BOLLARD_")
            && !e.getName().equals("BOLLARD_LOG_LEVEL"))
        .allSatisfy(e -> assertThat(options).contains(
            "--" + e.getName().substring("BOLLARD_".length()).toLowerCase(Locale.ROOT)
                .replace('_', '-')));
    assertThat(flagPort(chart, "--listen")).isEqualTo(port(container, "http"));
    assertThat(flagPort(chart, "--https-listen")).isEqualTo(port(container, "https"));
    assertThat(container.getPorts()).allSatisfy(p -> assertThat(p.getContainerPort())
        .as("unprivileged port %s", p.getName()).isGreaterThanOrEqualTo(1024));
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void renderedSettingsPassBollardCheck(String valueSet) throws IOException {
    RenderedChart chart = rendered(valueSet);
    ConfigMap config = settings(chart);
    Files.writeString(dir.resolve("chart.yaml"), chart.yaml());
    String authSecret = config.getData().get("bollard-auth-secret");
    if (authSecret != null && chart.all(Secret.class).isEmpty()) {
      // basicAuth.existingSecret: the team creates it beside the apps; so does the test.
      Files.writeString(dir.resolve("htpasswd-secret.yaml"), String.format(
          "apiVersion: v1%nkind: Secret%nmetadata:%n  namespace: %s%n  name: %s%n"
              + "stringData:%n  auth: \"preview:{SHA}GqeH/gz7NzV1/CwPb4JufG3J/UE=\"%n",
          authSecret.substring(0, authSecret.indexOf('/')),
          authSecret.substring(authSecret.indexOf('/') + 1)));
    }

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), "check",
        dir.toString(), flag(chart, "--config"), flag(chart, "--ingress-class"));

    assertThat(err.toString()).isEmpty();
    String version = config.getMetadata().getLabels().get("bollard.dev/config-version");
    assertThat(out.toString()).endsWith(", config ConfigMap " + RenderedChart.NAMESPACE + "/"
        + config.getMetadata().getName() + " (version " + version + "))\n");
    assertThat(code).as(out.toString()).isZero();
    assertThat(config.getData().keySet())
        .as("keys the binary knows (unknown ones are only warned about)")
        .allSatisfy(key -> assertThat(ConfigKeys.find(key)).as(key).isPresent());
    assertThat(config.getImmutable()).isTrue();
    assertThat(config.getMetadata().getLabels())
        .containsEntry("bollard.dev/config", flag(chart, "--config").replaceFirst(".*/", ""));
  }

  @Test
  void aRefusedSettingsVersionFailsTheSameCheck() throws IOException {
    RenderedChart chart =
        RenderedChart.render(Map.of("config.data.proxy-body-size", "lots"), DAEMONSET);
    Files.writeString(dir.resolve("chart.yaml"), chart.yaml());

    StringWriter out = new StringWriter();
    int code = Main.execute(Map.of(), new PrintWriter(out), new PrintWriter(new StringWriter()),
        "check", dir.toString(), flag(chart, "--config"), flag(chart, "--ingress-class"));

    assertThat(out.toString()).contains("proxy-body-size");
    assertThat(code).isEqualTo(Main.EXIT_FAILURE);
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void runsLockedDown(String valueSet) {
    RenderedChart chart = rendered(valueSet);
    PodSpec pod = podTemplate(chart).getSpec();
    Container container = container(chart);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    Service service = proxyService(chart);
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getPort, p -> p.getTargetPort().getStrVal())
        .contains(tuple(80, "http"), tuple(443, "https"));
    assertThat(flag(chart, "--https-redirect-port")).endsWith("=443");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void terminationOutlastsTheDrain(String valueSet) {
    RenderedChart chart = rendered(valueSet);
    long grace = Duration.parse("PT" + flag(chart, "--shutdown-grace")
        .replaceFirst("^--shutdown-grace=", "").toUpperCase()).toSeconds();
    long preStop = Long.parseLong(container(chart).getLifecycle().getPreStop().getExec()
        .getCommand().get(1));

    assertThat(podTemplate(chart).getSpec().getTerminationGracePeriodSeconds())
        .isGreaterThan(grace + preStop);
  }

  @Test
  void aMistypedValueIsRefusedByTheSchema() {
    assertThatThrownBy(() -> RenderedChart.render(Map.of("replicas", "3")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("proxy.connectTimeout", "5 seconds")))
        .hasMessageContaining("connectTimeout");
  }

  @Test
  void aTerminationGraceShorterThanTheDrainIsRefused() {
    assertThatThrownBy(
            () -> RenderedChart.render(Map.of("terminationGracePeriodSeconds", "30")))
        .hasMessageContaining("terminationGracePeriodSeconds: 30 (expected: more than");
  }

  @Test
  void deploymentSpreadsAndKeepsCapacityDuringDisruptions() {
    RenderedChart chart = rendered(PROD);
    Deployment deployment = chart.one(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .extracting(TopologySpreadConstraint::getTopologyKey)
        .containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .allSatisfy(c -> assertThat(podLabels)
            .containsAllEntriesOf(c.getLabelSelector().getMatchLabels()));
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()
        .getIntVal()).isZero();
  }

  @Test
  void leaderElectionTimingsAreValuesPassedAsFlags() {
    assertThat(flag(rendered(DEFAULTS), "--leader-elect-lease-duration")).endsWith("=15s");
    assertThat(flag(rendered(DEFAULTS), "--leader-elect-renew-deadline")).endsWith("=10s");
    assertThat(flag(rendered(DEFAULTS), "--leader-elect-retry-period")).endsWith("=2s");

    RenderedChart fast = RenderedChart.render(Map.of(
        "controller.leaderElection.leaseDuration", "6s",
        "controller.leaderElection.renewDeadline", "4s",
        "controller.leaderElection.retryPeriod", "500ms"));
    assertThat(args(fast)).contains("--leader-elect-lease-duration=6s",
        "--leader-elect-renew-deadline=4s", "--leader-elect-retry-period=500ms");
    assertThatThrownBy(() -> RenderedChart.render(
        Map.of("controller.leaderElection.leaseDuration", "1500ms")))
        .hasMessageContaining("leaseDuration");
  }

  @Test
  void daemonSetReplacesTheDeployment() {
    RenderedChart chart = rendered(DAEMONSET);

    assertThat(chart.all(Deployment.class)).isEmpty();
    assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
    assertThat(chart.one(DaemonSet.class).getSpec().getTemplate().getSpec().getTolerations())
        .singleElement().satisfies(t -> assertThat(t.getValue()).isEqualTo("edge"));
  }

  @Test
  void loadBalancerKeepsClientAddressesWhenAsked() {
    assertThat(proxyService(rendered(DEFAULTS)).getSpec())
        .satisfies(s -> {
          assertThat(s.getType()).isEqualTo("LoadBalancer");
          assertThat(s.getExternalTrafficPolicy()).isEqualTo("Cluster");
        });
    Service prod = proxyService(rendered(PROD));
    assertThat(prod.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(prod.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "nlb")
        .doesNotContainKey("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol");
    assertThat(args(rendered(PROD))).contains(
        "--publish-service=" + RenderedChart.NAMESPACE + "/" + prod.getMetadata().getName());
  }

  @Test
  void proxyProtocolAnnotatesTheLoadBalancerAndTheSettings() {
    RenderedChart chart = rendered(DAEMONSET);

    assertThat(proxyService(chart).getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*")
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-backend-protocol", "tcp");
    assertThat(proxyService(chart).getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(settings(chart).getData())
        .containsEntry("use-proxy-protocol", "true")
        .containsEntry("proxy-real-ip-cidr", "10.0.0.0/8");
    assertThat(settings(rendered(DEFAULTS)).getData())
        .doesNotContainKey("use-proxy-protocol");
    assertThat(proxyService(rendered(DEFAULTS)).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void nlbProxyProtocolAnnotations() {
    RenderedChart chart = RenderedChart.render(Map.of("proxyProtocol.enabled", "true"));

    assertThat(proxyService(chart).getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "nlb")
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*");
  }

  @Test
  void metricsHaveTheirOwnClusterIpServiceAndAnOptionalServiceMonitor() {
    RenderedChart chart = rendered(PROD);
    Service metrics = chart.all(Service.class).stream()
        .filter(s -> s.getMetadata().getName().endsWith("-metrics")).findFirst().orElseThrow();

    assertThat(metrics.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("admin");
    });
    assertThat(proxyService(chart).getSpec().getPorts())
        .noneMatch(p -> "admin".equals(p.getTargetPort().getStrVal()));
    assertThat(chart.ofKind("ServiceMonitor")).singleElement().satisfies(m -> {
      assertThat(m.getMetadata().getLabels()).containsEntry("release", "prometheus");
      assertThat(metrics.getMetadata().getLabels())
          .containsAllEntriesOf(serviceMonitorSelector(m));
      assertThat(proxyService(chart).getMetadata().getLabels())
          .as("only the metrics Service is scraped")
          .doesNotContainEntry("app.kubernetes.io/part", "metrics");
      assertThat(serviceMonitorEndpoint(m)).containsEntry("port", "metrics");
    });
    assertThat(rendered(DEFAULTS).ofKind("ServiceMonitor")).isEmpty();
  }

  @Test
  void sslPassthroughIsAValuePassedAsTheFlag() {
    assertThat(args(rendered(DAEMONSET))).contains("--enable-ssl-passthrough");
    assertThat(args(rendered(DEFAULTS))).doesNotContain("--enable-ssl-passthrough");
  }

  @Test
  void ingressClassIsOursAndOptionallyTheDefault() {
    IngressClass prod = rendered(PROD).one(IngressClass.class);
    IngressClass staging = rendered(STAGING).one(IngressClass.class);

    assertThat(prod.getSpec().getController()).isEqualTo("bollard.dev/ingress-controller");
    assertThat(prod.getMetadata().getAnnotations())
        .containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
    assertThat(staging.getMetadata().getName()).isEqualTo("bollard-staging");
    assertThat(staging.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(args(rendered(STAGING))).contains("--ingress-class=bollard-staging");
  }

  @Test
  void aCutoverServesIngressNginxsClassAndWritesNoStatus() {
    RenderedChart cutover = rendered(CUTOVER);

    assertThat(cutover.all(IngressClass.class)).isEmpty();
    assertThat(args(cutover)).contains("--ingress-class=nginx",
        "--controller-name=k8s.io/ingress-nginx")
        .noneMatch(a -> a.startsWith("--publish-service") || a.startsWith("--publish-status"));
    assertThat(args(rendered(DEFAULTS)))
        .contains("--controller-name=bollard.dev/ingress-controller");
  }

  @Test
  void acmeBecomesFlagsAndSecretWrites() {
    RenderedChart prod = rendered(PROD);

    assertThat(args(prod)).contains(
        "--acme-directory=https://acme-v02.api.letsencrypt.org/directory",
        "--acme-email=ops@example.com",
        "--acme-account-secret=" + RenderedChart.NAMESPACE + "/bollard-acme-account",
        "--default-ssl-certificate=" + RenderedChart.NAMESPACE + "/wildcard-example-com");
    assertThat(permissions(prod.one(ClusterRole.class).getRules()))
        .contains("/secrets:create", "/secrets:update", "/secrets:patch");
    assertThat(args(rendered(DEFAULTS))).noneMatch(a -> a.startsWith("--acme-"));
    assertThat(permissions(rendered(DEFAULTS).one(ClusterRole.class).getRules()))
        .doesNotContain("/secrets:create");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("acme.enabled", "true")))
        .hasMessageContaining("acme.enabled needs acme.directory");
  }

  @Test
  void aPrivateAcmeCaIsMountedByExtraVolumesAndTrustedByAcmeCaFile() throws Exception {
    RenderedChart chart = RenderedChart.render(Map.of(
        "acme.enabled", "true",
        "acme.directory", "https://ca.internal.example/acme/directory",
        "acme.email", "ops@example.com",
        "acme.caFile", "/etc/bollard/acme-ca/ca.pem",
        "extraVolumes[0].name", "acme-ca",
        "extraVolumes[0].configMap.name", "internal-ca",
        "extraVolumeMounts[0].name", "acme-ca",
        "extraVolumeMounts[0].mountPath", "/etc/bollard/acme-ca",
        "extraVolumeMounts[0].readOnly", "true"));
    PodSpec pod = podTemplate(chart).getSpec();
    Container container = container(chart);

    assertThat(args(chart)).contains("--acme-ca-file=/etc/bollard/acme-ca/ca.pem");
    assertThat(runCommandLine().parseArgs(
        args(chart).subList(1, args(chart).size()).toArray(String[]::new)).unmatched()).isEmpty();
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("acme-ca");
      assertThat(v.getConfigMap().getName()).isEqualTo("internal-ca");
    });
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).contains("tmp");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("acme-ca");
      assertThat(m.getMountPath()).isEqualTo("/etc/bollard/acme-ca");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(args(rendered(PROD))).noneMatch(a -> a.startsWith("--acme-ca-file"));
    assertThat(podTemplate(rendered(DEFAULTS)).getSpec().getVolumes())
        .extracting(v -> v.getName()).containsExactly("tmp");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("acme.caFile", "ca.pem")))
        .hasMessageContaining("caFile");
  }

  @Test
  void basicAuthBecomesTheGuardKeys() {
    assertThat(settings(rendered(STAGING)).getData())
        .containsEntry("bollard-auth-hosts", "staging.example.com,*.preview.example.com")
        .containsEntry("bollard-auth-secret", "staging/staging-htpasswd")
        .containsEntry("bollard-auth-realm", "Staging - sign in")
        .containsEntry("bollard-auth-exempt-paths", "/healthz");
    RenderedChart created = RenderedChart.render(Map.of(
        "basicAuth.hosts[0]", "*.preview.example.com",
        "basicAuth.htpasswd", "preview:$apr1$x$y"));
    Secret secret = created.one(Secret.class);
    assertThat(secret.getData()).containsKey("auth");
    assertThat(settings(created).getData()).containsEntry("bollard-auth-secret",
        RenderedChart.NAMESPACE + "/" + secret.getMetadata().getName());
  }

  // --- helpers

  /** {@code bollard run}'s picocli model, built from the binary's own command class. */
  private static CommandLine runCommandLine() throws ClassNotFoundException {
    CommandLine cli = new CommandLine(Class.forName("dev.bollard.controller.cli.RunCommand"));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  private static Set<String> permissions(List<PolicyRule> rules) {
    Set<String> permissions = new HashSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      assertThat(rule.getResourceNames()).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertThat(List.of(group, resource, verb)).doesNotContain("*");
            permissions.add(DocumentedRbac.permission(group, resource, verb));
          }
        }
      }
    }
    return permissions;
  }

  /** The versioned settings ConfigMap (the dashboard is a ConfigMap too). */
  private static ConfigMap settings(RenderedChart chart) {
    List<ConfigMap> versions = chart.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getLabels().containsKey("bollard.dev/config")).toList();
    assertThat(versions).hasSize(1);
    return versions.get(0);
  }

  private static PodTemplateSpec podTemplate(RenderedChart chart) {
    HasMetadata workload = chart.one(Deployment.class, DaemonSet.class);
    return workload instanceof Deployment d
        ? d.getSpec().getTemplate()
        : ((DaemonSet) workload).getSpec().getTemplate();
  }

  private static Container container(RenderedChart chart) {
    return podTemplate(chart).getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("bollard")).findFirst().orElseThrow();
  }

  private static List<String> args(RenderedChart chart) {
    return container(chart).getArgs();
  }

  /** The rendered {@code --name=value} argument. */
  private static String flag(RenderedChart chart, String name) {
    Optional<String> arg = args(chart).stream().filter(a -> a.startsWith(name + "=")).findFirst();
    return arg.orElseThrow(() -> new AssertionError("no " + name + " in " + args(chart)));
  }

  private static int flagPort(RenderedChart chart, String name) {
    String value = flag(chart, name);
    return Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
  }

  private static int port(Container container, String name) {
    return container.getPorts().stream().filter(p -> p.getName().equals(name))
        .map(ContainerPort::getContainerPort).findFirst().orElseThrow();
  }

  private static Service proxyService(RenderedChart chart) {
    return chart.all(Service.class).stream()
        .filter(s -> !s.getMetadata().getName().endsWith("-metrics")).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> serviceMonitorSpec(HasMetadata monitor) {
    return (Map<String, Object>)
        ((GenericKubernetesResource) monitor).getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> serviceMonitorEndpoint(HasMetadata monitor) {
    return ((List<Map<String, Object>>) serviceMonitorSpec(monitor).get("endpoints")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> serviceMonitorSelector(HasMetadata monitor) {
    return (Map<String, String>)
        ((Map<String, Object>) serviceMonitorSpec(monitor).get("selector")).get("matchLabels");
  }

  private static String serviceMonitorPath(HasMetadata monitor) {
    return (String) serviceMonitorEndpoint(monitor).get("path");
  }
}
