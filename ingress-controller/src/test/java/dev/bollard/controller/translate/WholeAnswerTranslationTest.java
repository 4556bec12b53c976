package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One pure call answers a whole rebuild: snapshot, problems, the config verdict and the Ingress
 * status to write, with the settings last in force passed in and out as a value.
 */
class WholeAnswerTranslationTest {

  private final SnapshotTranslator translator =
      new SnapshotTranslator(
          IngressClassSelection.defaults(),
          new GlobalConfig(new ConfigFamily("ingress", "bollard"), -1),
          new IngressStatusPlan.Address(null, List.of("10.0.0.7")));

  @Test
  void theResultCarriesTheConfigVerdictAndTheSettingsInForce() {
    TranslationResult result = translator.translate(read(), GlobalConfig.History.EMPTY);

    assertThat(result.config().state().activeVersion()).isEqualTo(1);
    assertThat(result.config().state().refused())
        .singleElement()
        .satisfies(v -> assertThat(v.version().configMap()).isEqualTo("bollard-v2"));
    assertThat(result.snapshot().settings().maxBodyBytes()).isEqualTo(2L << 20);
    assertThat(result.config().reports())
        .hasAtLeastOneElementOfType(GlobalConfig.Report.Activated.class)
        .hasAtLeastOneElementOfType(GlobalConfig.Report.Refused.class);
  }

  @Test
  void theResultCarriesTheIngressStatusToWrite() {
    TranslationResult result = translator.translate(read(), GlobalConfig.History.EMPTY);

    assertThat(result.status().updates())
        .extracting(u -> u.name() + "=" + ips(u.addresses()))
        .containsExactly("moved=[]", "shop=[10.0.0.7]");
  }

  @Test
  void noAddressMeansNoStatusToWrite() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults()).translate(read().store());

    assertThat(result.status().updates()).isEmpty();
  }

  @Test
  void theSameInputGivesTheSameAnswerAndTheHistoryStopsRepeatReports() {
    TranslationResult first = translator.translate(read(), GlobalConfig.History.EMPTY);

    assertThat(translator.translate(read(), GlobalConfig.History.EMPTY)).isEqualTo(first);
    TranslationResult second = translator.translate(read(), first.config().next());
    assertThat(second.config().reports()).isEmpty();
    assertThat(second.snapshot()).isEqualTo(first.snapshot());
  }

  @Test
  void theSourcesProblemsComeFirst() {
    Problem unreadable = new Problem("broken.yaml", "line 3", "not YAML");
    TranslationResult result =
        translator.translate(
            new SourceRead(ResourceStore.empty(), List.of(unreadable)), GlobalConfig.History.EMPTY);

    assertThat(result.problems()).first().isEqualTo(unreadable);
  }

  private static SourceRead read() {
    return SourceRead.of(Fixtures.store("whole-answer.yaml"));
  }

  private static List<String> ips(List<IngressLoadBalancerIngress> addresses) {
    return addresses.stream().map(IngressLoadBalancerIngress::getIp).toList();
  }
}
