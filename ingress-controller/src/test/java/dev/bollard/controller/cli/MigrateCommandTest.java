package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.source.ManifestDirectory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bollard migrate} on the bundled examples, on a directory of Ingresses written for
 * ingress-nginx ({@code src/test/resources/migrate/nginx-style}), on one that only uses what
 * Bollard honours, and on a cluster: human and JSON output, exit codes.
 */
class MigrateCommandTest {

  private static final String NGINX_STYLE = "src/test/resources/migrate/nginx-style";
  private static final String CLEAN = "src/test/resources/migrate/clean";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void theBundledExamplesBehaveAsUnderIngressNginx() {
    int code = run("migrate", "--manifests", "../examples");

    assertThat(err.toString()).isEmpty();
    assertThat(out.toString()).contains("Ingress default/preview: ok")
        .endsWith("Nothing would behave differently under Bollard.\n");
    assertThat(code).isZero();
  }

  @Test
  void aDirectoryOnlyUsingWhatBollardHonoursExits0() {
    int code = run("migrate", "--manifests", CLEAN);

    assertThat(out.toString()).isEqualTo("""
        Ingress shop/app: ok
          honoured   kubernetes.io/ingress.class: "nginx"
          honoured   proxy-request-buffering: "off"
          honoured   x-forwarded-prefix: "/app"

        migrate: 1 Ingress, 3 annotations (3 honoured), 0 other Ingress problems. Nothing would\
         behave differently under Bollard.
        """);
    assertThat(code).isZero();
  }

  @Test
  void eachIngressAndAnnotationSaysWhatHappensAndWhatToDo() {
    int code = run("migrate", "--manifests", NGINX_STYLE, "--nginx-class", "nginx");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).isEmpty();
    String report = out.toString();
    assertThat(report).contains(lines(
        "Ingress shop/api",
        "  honoured   proxy-request-buffering: \"off\"",
        "  problem    x-forwarded-prefix: \"bad value!\"",
        "             - value \"bad value!\" refused: expected a path such as /api, made of"
            + " letters, digits and / . - _ ~ : only; the annotation is not applied. Fix its"
            + " value.",
        "             → fix the value as the problem says; until then it is not applied",
        "  problem    spec.rules[0].http.paths[1].backend.service.name: Service shop/api-v2 not"
            + " found; create it or fix the name. This path is skipped.",
        "",
        "Ingress shop/storefront",
        "  honoured   kubernetes.io/ingress.class: \"nginx\"",
        "  honoured   auth-secret: \"basic-auth\"",
        "  honoured   auth-type: \"basic\"",
        "  ignored    enable-opentracing: \"true\"",
        "             Bollard has no tracing module; request ids (X-Request-Id) and the access"
            + " log are its correlation tools",
        "             → remove it, or do what the note says instead; it has no effect",
        "  ignored    mirror-target: \"http://mirror\"",
        "             request mirroring is not implemented",
        "             → remove it, or do what the note says instead; it has no effect",
        "  unknown    rewrite-targt: \"/\"",
        "             → not an ingress-nginx name Bollard knows: check the spelling, or remove it",
        "  honoured   ssl-redirect: \"false\"",
        "  refused    stream-snippet: \"server {…\"",
        "             never executed: Bollard proxies no TCP streams, so a stream"
            + " snippet has nothing to translate",
        "             → rewrite it with Bollard's annotations or header rules"
            + " (docs/ingress-nginx.md); what is refused is never applied",
        ""));
    assertThat(report).doesNotContain("tools/grafana");
    assertThat(report.lines().reduce((a, b) -> b).orElseThrow()).isEqualTo(
        "migrate: 2 Ingresses, 10 annotations (5 honoured, 2 ignored, 1 refused,"
            + " 1 unknown, 1 problem), 1 other Ingress problem. Behaviour would change under"
            + " Bollard: see each line above and docs/ingress-nginx.md.");
  }

  @Test
  void withoutAClassEveryIngressIsReported() {
    int code = run("migrate", "--manifests", NGINX_STYLE);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("Ingress tools/grafana\n  ignored    mirror-target");
  }

  @Test
  void jsonSaysTheSameForMachines() {
    int code = run("migrate", "--manifests", NGINX_STYLE, "--nginx-class", "nginx",
        "--output", "json");

    assertThat(code).isEqualTo(1);
    JsonNode json = JsonMapper.builder().build().readTree(out.toString());
    assertThat(json.get("changesBehaviour").asBoolean()).isTrue();
    assertThat(json.get("summary").get("annotations").get("honoured").asInt()).isEqualTo(5);
    JsonNode storefront = json.get("ingresses").get(1);
    assertThat(storefront.get("name").asString()).isEqualTo("shop/storefront");
    JsonNode ignored = find(storefront.get("annotations"),
        "nginx.ingress.kubernetes.io/mirror-target");
    assertThat(ignored.get("outcome").asString()).isEqualTo("ignored");
    assertThat(ignored.get("value").asString()).isEqualTo("http://mirror");
    JsonNode api = json.get("ingresses").get(0);
    assertThat(find(api.get("annotations"), "nginx.ingress.kubernetes.io/x-forwarded-prefix")
        .get("problems").get(0).asString()).startsWith("value \"bad value!\" refused");
    assertThat(api.get("problems").get(0).asString())
        .startsWith("spec.rules[0].http.paths[1].backend");
    assertThat(json.get("configMap").isNull()).isTrue();
  }

  @Test
  void theConfigMapOfIngressNginxIsReportedKeyByKey() {
    int code = run("migrate", "--manifests", NGINX_STYLE, "--nginx-class", "nginx",
        "--nginx-configmap", "ingress-nginx/ingress-nginx-controller");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains(lines(
        "ConfigMap ingress-nginx/ingress-nginx-controller (ingress-nginx's global keys)",
        "  differs    hsts-max-age: \"15724800\"",
        "             Bollard's default is 31536000 (one year), ingress-nginx's 15724800",
        "             → check that this difference is acceptable",
        "  unknown    made-up-key: \"1\"",
        "             → not an ingress-nginx name Bollard knows: check the spelling, or remove it",
        "  honoured   proxy-body-size: \"8m\"",
        "  problem    proxy-connect-timeout: \"soon\"",
        "             - \"soon\" is not a duration (expected e.g. 60 or 60s, 500ms, 5m, 1h);"
            + " Bollard refuses a config version with this value",
        "             → fix the value as the problem says; until then it is not applied",
        "  ignored    use-gzip: \"true\"",
        "             Bollard does not compress responses; a backend's compressed response passes"
            + " through",
        "             → remove it, or do what the note says instead; it has no effect",
        "  → put the honoured keys, under the same names, into a Bollard config version (README:"
            + " Global settings)",
        ""));
    assertThat(out.toString()).contains(", 5 ConfigMap keys (1 honoured, 1 differs, 1 ignored,"
        + " 1 unknown, 1 problem)");
  }

  @Test
  void theConfigMapCanBeAFile() {
    int code = run("migrate", "--manifests", CLEAN, "--nginx-configmap",
        NGINX_STYLE + "/ingress-nginx-controller.yaml");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("ConfigMap " + NGINX_STYLE + "/ingress-nginx-controller.yaml")
        .contains("  honoured   proxy-body-size: \"8m\"");
  }

  @Test
  void badUsageExits2AndSaysWhy() throws IOException {
    assertThat(run("migrate", "--manifests", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--manifests " + dir.resolve("nope") + ": no such directory");

    assertThat(run("migrate", "--manifests", CLEAN, "--kubeconfig", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("give one of them");

    assertThat(run("migrate", "--manifests", CLEAN, "--nginx-configmap", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("--nginx-configmap nope: no such file, and not"
        + " namespace/name");

    assertThat(run("migrate", "--manifests", CLEAN, "--nginx-configmap", "a/b")).isEqualTo(2);
    assertThat(err.toString()).contains("--nginx-configmap a/b: no such ConfigMap in " + CLEAN);

    Path service = Files.writeString(dir.resolve("svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    assertThat(run("migrate", "--manifests", CLEAN, "--nginx-configmap", service.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains(": not a ConfigMap");

    assertThat(run("migrate", "--kubeconfig", "/no/such/kubeconfig")).isEqualTo(2);
    assertThat(err.toString()).contains("--kubeconfig /no/such/kubeconfig: no such file");
  }

  @Test
  void theClusterIsReadThroughTheKubeconfig() throws IOException {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient api = server.createClient()) {
      List<HasMetadata> resources =
          new ManifestDirectory(Path.of(NGINX_STYLE)).load().resources();
      for (HasMetadata r : resources) {
        api.resource(r).create();
      }
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters:
            - name: mock
              cluster: {server: "%s", insecure-skip-tls-verify: true}
          users:
            - name: me
              user: {token: secret}
          contexts:
            - name: mock
              context: {cluster: mock, user: me}
          current-context: mock
          """.formatted(api.getConfiguration().getMasterUrl()));

      int code = run("migrate", "--kubeconfig", kubeconfig.toString(), "--nginx-class", "nginx",
          "--nginx-configmap", "ingress-nginx/ingress-nginx-controller");

      assertThat(err.toString()).isEmpty();
      assertThat(code).isEqualTo(1);
      assertThat(out.toString()).contains("Ingress shop/storefront\n", "Ingress shop/api\n",
          "  ignored    mirror-target: \"http://mirror\"",
          "  honoured   proxy-body-size: \"8m\"");
    } finally {
      server.destroy();
    }
  }

  private static String lines(String... lines) {
    return String.join("\n", lines);
  }

  private static JsonNode find(JsonNode verdicts, String key) {
    for (JsonNode v : verdicts) {
      if (v.get("key").asString().equals(key)) {
        return v;
      }
    }
    throw new AssertionError("no verdict for " + key + " in " + verdicts);
  }
}
