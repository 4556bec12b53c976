package dev.bollard.controller.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.controller.translate.Problem;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How one Ingress's annotations and the translation's problems become its verdict. */
class MigrationAnalysisTest {

  private static final RouteSource SOURCE = RouteSource.ingress("shop", "web");
  private static final String P = IngressNginx.PREFIX;

  private static Ingress ingress(Map<String, String> annotations) {
    return new IngressBuilder().withNewMetadata().withNamespace("shop").withName("web")
        .withAnnotations(annotations).endMetadata().build();
  }

  private static Problem about(String key, String message) {
    return new Problem(SOURCE, "metadata.annotations[" + key + "]", message);
  }

  @Test
  void aSnippetWhoseDirectivesWereRefusedIsRefusedNamingThem() {
    String snippet = P + "configuration-snippet";
    MigrationReport.IngressVerdict v = MigrationAnalysis.ingressVerdict(
        ingress(Map.of(snippet, "more_set_headers \"A: b\";\nlua_need_request_body on;")),
        List.of(about(snippet, "directive lua_need_request_body refused: not a safe directive")));

    assertThat(v.annotations()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(Outcome.REFUSED);
      assertThat(a.problems())
          .containsExactly("directive lua_need_request_body refused: not a safe directive");
    });
    assertThat(v.problems()).isEmpty();
    assertThat(v.changesBehaviour()).isTrue();
  }

  @Test
  void aSnippetTranslatedWholeIsHonouredWithItsDifference() {
    MigrationReport.IngressVerdict v = MigrationAnalysis.ingressVerdict(
        ingress(Map.of(P + "configuration-snippet", "more_set_headers \"A: b\";")), List.of());

    assertThat(v.annotations()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(Outcome.DIFFERS);
      assertThat(a.note()).startsWith("never executed; with allow-snippet-annotations");
    });
  }

  @Test
  void theTablesOwnIgnoredProblemIsNotRepeatedButOtherProblemsAreKept() {
    String ignored = P + "mirror-target";
    MigrationReport.IngressVerdict v = MigrationAnalysis.ingressVerdict(
        ingress(Map.of(ignored, "http://mirror", "bollard.dev/request-headers", "frob",
            "cert-manager.io/cluster-issuer", "le")),
        List.of(about(ignored, IngressNginx.ignoredMessage(ignored).orElseThrow()),
            about("bollard.dev/request-headers", "bad rule; the annotation is ignored"),
            new Problem(SOURCE, "spec.rules[0].host", "bad host")));

    assertThat(v.annotations()).singleElement().satisfies(a -> {
      assertThat(a.key()).isEqualTo(ignored);
      assertThat(a.outcome()).isEqualTo(Outcome.IGNORED);
      assertThat(a.problems()).isEmpty();
    });
    assertThat(v.problems()).containsExactly(
        "metadata.annotations[bollard.dev/request-headers]: bad rule; the annotation is ignored",
        "spec.rules[0].host: bad host");
  }

  @Test
  void onlyPlainlyHonouredAnnotationsLeaveBehaviourUnchanged() {
    MigrationReport.IngressVerdict v = MigrationAnalysis.ingressVerdict(
        ingress(Map.of(P + "ssl-redirect", "false", "kubernetes.io/tls-acme", "true")),
        List.of());

    assertThat(v.annotations()).extracting(MigrationReport.Verdict::outcome)
        .containsOnly(Outcome.HONOURED);
    assertThat(v.changesBehaviour()).isFalse();
  }

  /** The seed team's snippet, behind ingress-nginx's allow-snippet-annotations. */
  private static MigrationReport snippetReport(MigrationAnalysis.@org.jspecify.annotations.Nullable
      NginxConfigMap configMap) {
    Ingress snippet = new IngressBuilder(ingress(Map.of(P + "configuration-snippet",
        "more_set_headers \"X-Frame-Options: DENY\";"))).editMetadata()
        .addToAnnotations("kubernetes.io/ingress.class", "nginx").endMetadata()
        .withNewSpec().addNewRule().withHost("shop.example.com").withNewHttp().addNewPath()
        .withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp()
        .endRule().endSpec().build();
    Service web = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort()
        .endSpec().build();
    return MigrationAnalysis.analyse(List.of(snippet, web), List.of(), null, configMap);
  }

  @Test
  void theKeysOfIngressNginxsConfigMapThatBollardHonoursApplyToTheAnnotations() {
    // Without the ConfigMap: allow-snippet-annotations is false, as in ingress-nginx.
    assertThat(snippetReport(null).ingresses()).singleElement()
        .satisfies(i -> assertThat(i.annotations())
            .filteredOn(a -> a.key().equals(P + "configuration-snippet")).singleElement()
            .satisfies(a -> {
          assertThat(a.outcome()).isEqualTo(Outcome.REFUSED);
          assertThat(a.problems()).singleElement().asString()
              .startsWith("not applied: allow-snippet-annotations is false");
        }));
    // With it, as the report tells the user to copy its honoured keys into a Bollard config.
    MigrationReport report = snippetReport(new MigrationAnalysis.NginxConfigMap(
        "ingress-nginx/ingress-nginx-controller", Map.of("allow-snippet-annotations", "true")));
    assertThat(report.ingresses()).singleElement()
        .satisfies(i -> assertThat(i.annotations())
            .filteredOn(a -> a.key().equals(P + "configuration-snippet")).singleElement()
            .satisfies(a -> {
          assertThat(a.outcome()).isEqualTo(Outcome.DIFFERS);
          assertThat(a.problems()).isEmpty();
        }));
  }

  @Test
  void grpcAndGrpcsBackendsAreReportedHonoured() {
    for (String protocol : List.of("GRPC", "GRPCS")) {
      Ingress grpc = new IngressBuilder(ingress(Map.of(P + "backend-protocol", protocol)))
          .editMetadata().addToAnnotations("kubernetes.io/ingress.class", "nginx").endMetadata()
          .withNewSpec().addNewRule().withHost("api.example.com").withNewHttp().addNewPath()
          .withPath("/").withPathType("Prefix").withNewBackend().withNewService()
          .withName("web").withNewPort().withNumber(80).endPort().endService().endBackend()
          .endPath().endHttp().endRule().endSpec().build();
      Service web = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
          .endMetadata().withNewSpec().addNewPort().withName("grpc").withPort(80).endPort()
          .endSpec().build();
      MigrationReport report =
          MigrationAnalysis.analyse(List.of(grpc, web), List.of(), null, null);
      assertThat(report.ingresses()).singleElement()
          .satisfies(i -> assertThat(i.annotations())
              .filteredOn(a -> a.key().equals(P + "backend-protocol")).singleElement()
              .satisfies(a -> {
            assertThat(a.value()).isEqualTo(protocol);
            assertThat(a.outcome()).isEqualTo(Outcome.HONOURED);
            assertThat(a.problems()).isEmpty();
          }));
    }
  }
}
