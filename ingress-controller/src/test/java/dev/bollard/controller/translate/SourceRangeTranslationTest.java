package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.ClientRanges;
import dev.bollard.proxy.step.UpstreamRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code nginx.ingress.kubernetes.io/allowlist-source-range}, {@code whitelist-source-range} and
 * {@code denylist-source-range}, from the fixture.
 */
class SourceRangeTranslationTest {

  private static final String PREFIX = "metadata.annotations[nginx.ingress.kubernetes.io/";

  private final TranslationResult result = Fixtures.translated("source-range.yaml");

  private List<RouteFeature> featuresOf(String name) {
    return Fixtures.firstRouteFeatures(result, name + ".example.com");
  }

  private static ClientRanges ranges(ClientRanges.Kind kind, String... cidrs) {
    return new ClientRanges(kind, CidrSet.parse(List.of(cidrs)));
  }

  @Test
  void anAllowListOfEitherNameBecomesAStep() {
    assertThat(featuresOf("allow")).containsExactly(
        ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));
    assertThat(featuresOf("legacy")).containsExactly(
        ranges(ClientRanges.Kind.ALLOW, "172.16.0.0/12"));
  }

  @Test
  void theNewerNameWinsAndTheOlderIsReported() {
    assertThat(featuresOf("both")).containsExactly(ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8"));
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/both");
      assertThat(p.field()).isEqualTo(PREFIX + "whitelist-source-range]");
      assertThat(p.message()).contains("allowlist-source-range is set too and wins");
    });
  }

  @Test
  void aDenyListBecomesAStepBesideTheAllowList() {
    assertThat(featuresOf("deny")).containsExactlyInAnyOrder(
        ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8"), ranges(ClientRanges.Kind.DENY, "10.6.6.0/24"));
  }

  @Test
  void badValuesFailClosedWith503AndAProblem() {
    for (String name : List.of("badallow", "baddeny", "emptyallow")) {
      assertThat(featuresOf(name)).singleElement().isInstanceOf(UpstreamRefused.class);
    }
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/badallow");
      assertThat(p.field()).isEqualTo(PREFIX + "allowlist-source-range]");
      assertThat(p.message()).startsWith("value \"10.0.0.0/8,10.0.0.300\" refused: ")
          .contains("\"10.0.0.300\" is not an IP address").contains("answer 503");
    });
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/baddeny");
      assertThat(p.field()).isEqualTo(PREFIX + "denylist-source-range]");
      assertThat(p.message()).startsWith("value \"10.0.0.0/33\" refused: ").contains("prefix");
    });
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/emptyallow");
      assertThat(p.field()).isEqualTo(PREFIX + "whitelist-source-range]");
      assertThat(p.message()).contains("empty allow-list");
    });
    assertThat(result.problems()).hasSize(4);
  }
}
