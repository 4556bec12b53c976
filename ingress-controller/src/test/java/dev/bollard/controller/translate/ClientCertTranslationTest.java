package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code auth-tls-*} annotations, from the fixture {@code client-certificates.yaml}. */
class ClientCertTranslationTest {

  private static final String FIELD = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("client-certificates.yaml");

  private Map<String, ClientAuth> byHost() {
    return result.snapshot().tls().clientAuth();
  }

  private List<RouteFeature> featuresOf(String pattern) {
    return Fixtures.firstRouteFeatures(result, pattern);
  }

  private void assertProblem(String ingress, String annotation, String... fragments) {
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/" + ingress);
      assertThat(p.field()).isEqualTo(FIELD + annotation + "]");
      for (String fragment : fragments) {
        assertThat(p.message()).contains(fragment);
      }
    });
  }

  @Test
  void everyAnnotationIsRead() {
    ClientAuth full = byHost().get("full.example.com");
    assertThat(full.source()).isEqualTo(RouteSource.ingress("shop", "full"));
    assertThat(full.secret()).isEqualTo("shop/client-ca");
    assertThat(full.caPem()).contains("BEGIN CERTIFICATE");
    assertThat(full.crlPem()).isNull();
    assertThat(full.verify()).isEqualTo(ClientAuth.Verify.OPTIONAL_NO_CA);
    assertThat(full.depth()).isEqualTo(3);
    assertThat(full.errorPage()).isEqualTo("https://help.example.com/cert");
    assertThat(full.passCertificate()).isTrue();
    assertThat(full.matchCn()).isEqualTo("CN=(alice|bob)");
    assertThat(featuresOf("full.example.com")).isEmpty();
  }

  @Test
  void theDefaultsAreIngressNginxsAndTheOldestIngressDecidesTheHost() {
    ClientAuth defaults = byHost().get("defaults.example.com");
    assertThat(defaults.source()).isEqualTo(RouteSource.ingress("shop", "defaults"));
    assertThat(defaults.verify()).isEqualTo(ClientAuth.Verify.ON);
    assertThat(defaults.depth()).isEqualTo(1);
    assertThat(defaults.errorPage()).isNull();
    assertThat(defaults.passCertificate()).isFalse();
    assertThat(defaults.matchCn()).isNull();
    assertProblem("younger", "auth-tls-secret", "host defaults.example.com: ignored",
        "older Ingress shop/defaults");
  }

  @Test
  void badValuesAreReportedAndTheDefaultsApply() {
    ClientAuth bad = byHost().get("badvalues.example.com");
    assertThat(bad.verify()).isEqualTo(ClientAuth.Verify.ON);
    assertThat(bad.depth()).isEqualTo(1);
    assertThat(bad.matchCn()).isNull();
    assertProblem("badvalues", "auth-tls-verify-client", "\"sometimes\"", "on applies");
    assertProblem("badvalues", "auth-tls-verify-depth", "\"deep\"", "default 1 applies");
    assertProblem("badvalues", "auth-tls-match-cn", "must contain CN=");
    assertProblem("nosecret", "auth-tls-verify-client", "ignored without");
    assertThat(byHost()).doesNotContainKey("nosecret.example.com");
  }

  @Test
  void brokenSettingsFailClosed() {
    for (String name : List.of("missing", "noca", "badcrl", "badregex")) {
      assertThat(featuresOf(name + ".example.com")).as(name)
          .singleElement().isInstanceOf(UpstreamRefused.class);
      assertThat(byHost()).doesNotContainKey(name + ".example.com");
    }
    assertProblem("missing", "auth-tls-secret", "Secret shop/absent not found", "503");
    assertProblem("noca", "auth-tls-secret", "has no ca.crt");
    assertProblem("badcrl", "auth-tls-secret", "ca.crl");
    assertProblem("badregex", "auth-tls-match-cn", "RE2");
  }

  @Test
  void rulesWithoutHostFailClosed() {
    assertThat(featuresOf(SnapshotTranslator.DEFAULT_SERVER)).singleElement()
        .isInstanceOf(UpstreamRefused.class);
    assertProblem("hostless", "auth-tls-secret", "rules without host");
  }
}
