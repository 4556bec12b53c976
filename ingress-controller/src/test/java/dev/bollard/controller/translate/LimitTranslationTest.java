package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.RateLimit;
import dev.bollard.proxy.step.ResponseRateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ingress-nginx's {@code limit-*} annotations, read together, from the fixture. */
class LimitTranslationTest {

  private final TranslationResult result = Fixtures.translated("limits.yaml");

  private List<List<RouteFeature>> featuresOf(String host) {
    return Fixtures.routeFeatures(result, host);
  }

  @Test
  void aRateAloneGetsTheDefaultBurstMultiplier() {
    assertThat(featuresOf("api.example.com"))
        .containsExactly(List.of(new RateLimit(10, 0, 5, 0, CidrSet.EMPTY)));
  }

  @Test
  void allAnnotationsAreReadTogether() {
    assertThat(featuresOf("all.example.com")).containsExactly(List.of(new RateLimit(2, 30, 3, 4,
        CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7")))));
  }

  @Test
  void theAllowlistWinsOverTheOlderName() {
    assertThat(featuresOf("allow.example.com")).containsExactly(
        List.of(new RateLimit(0, 0, 5, 1, CidrSet.parse(List.of("10.1.0.0/16")))));
  }

  @Test
  void zeroLimitsNothing() {
    assertThat(featuresOf("zero.example.com")).containsExactly(List.of());
  }

  @Test
  void badValuesAreProblemsNamingIngressAnnotationAndValue() {
    assertThat(featuresOf("typo.example.com"))
        .containsExactly(List.of(new RateLimit(0, 60, 5, 0, CidrSet.EMPTY)));
    assertThat(featuresOf("badlist.example.com")).containsExactly(List.of());
    assertThat(result.problems()).satisfiesExactlyInAnyOrder(
        rps -> {
          assertThat(rps.resource()).isEqualTo("Ingress shop/typo");
          assertThat(rps.field())
              .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/limit-rps]");
          assertThat(rps.message()).startsWith("value \"10r/s\" refused: expected a whole number");
        },
        multiplier -> {
          assertThat(multiplier.resource()).isEqualTo("Ingress shop/typo");
          assertThat(multiplier.field()).isEqualTo(
              "metadata.annotations[nginx.ingress.kubernetes.io/limit-burst-multiplier]");
          assertThat(multiplier.message()).startsWith("value \"five\" refused")
              .contains("the default 5 applies");
        },
        list -> {
          assertThat(list.resource()).isEqualTo("Ingress shop/badlist");
          assertThat(list.field())
              .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/limit-whitelist]");
          assertThat(list.message()).startsWith("value \"10.0.0.0/33\" refused")
              .contains("none of the Ingress's limits are applied");
        },
        rate -> {
          assertThat(rate.resource()).isEqualTo("Ingress shop/badrate");
          assertThat(rate.field())
              .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/limit-rate]");
          assertThat(rate.message()).startsWith("value \"256k\" refused")
              .contains("kilobytes").contains("the ConfigMap's limit-rate applies instead");
        },
        after -> {
          assertThat(after.resource()).isEqualTo("Ingress shop/badrate");
          assertThat(after.field())
              .isEqualTo("metadata.annotations[nginx.ingress.kubernetes.io/limit-rate-after]");
          assertThat(after.message()).startsWith("value \"-1\" refused")
              .contains("the ConfigMap's limit-rate-after applies instead");
        });
    // Both refused: nothing of the Ingress's own, the ConfigMap's values apply.
    assertThat(featuresOf("badrate.example.com")).containsExactly(List.of());
  }

  @Test
  void limitRateAndLimitRateAfterAreKilobytes() {
    assertThat(featuresOf("bandwidth.example.com"))
        .containsExactly(List.of(new ResponseRateLimit(256 * 1024, 512 * 1024)));
  }

  @Test
  void anAnnotationTheIngressDoesNotSetKeepsTheConfigMapsValue() {
    assertThat(featuresOf("afteronly.example.com"))
        .containsExactly(List.of(new ResponseRateLimit(-1, 1024)));
  }
}
