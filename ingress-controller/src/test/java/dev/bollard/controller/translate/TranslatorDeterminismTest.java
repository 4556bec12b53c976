package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TranslatorDeterminismTest {

  @ParameterizedTest
  @ValueSource(strings = {"hosts.yaml", "backends.yaml", "conflicts.yaml", "bad-input.yaml"})
  void inputOrderDoesNotChangeTheResult(String fixture) {
    SnapshotTranslator translator = new SnapshotTranslator(IngressClassSelection.defaults());
    List<HasMetadata> resources = Fixtures.resources(fixture);
    TranslationResult expected = translator.translate(ResourceStore.of(resources));

    Random random = new Random(42);
    for (int i = 0; i < 5; i++) {
      List<HasMetadata> shuffled = new ArrayList<>(resources);
      Collections.shuffle(shuffled, random);
      assertThat(translator.translate(ResourceStore.of(shuffled))).isEqualTo(expected);
    }
  }
}
