package dev.bollard.controller.translate;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.settings.SettingValues;
import static dev.bollard.controller.compat.PendingMerge.PENDING_MERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.compat.Entry;
import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * An annotation the ingress-nginx table calls honoured (plainly or with a difference) really
 * changes what Bollard serves: the fixture Ingress translated with the annotation's sample value
 * (and its companions) differs from the same Ingress with the companions only, and no problem names
 * the annotation. Entries whose code is on a branch not merged yet are in {@link
 * dev.bollard.controller.compat.PendingMerge}: for those the test expects the opposite, so the list
 * is emptied as the branches come in. The fixture's Ingress marked {@code bollard.test/fixed} is
 * never varied: it is the main Ingress the canary samples are merged onto.
 */
class IngressNginxHonestyTest {

  private static final List<HasMetadata> FIXTURE = Fixtures.resources("ingress-nginx-sample.yaml");

  /**
   * The settings under which every annotation the table calls applied applies: the opt-ins that
   * ingress-nginx also asks for ({@code --enable-ssl-passthrough}, {@code
   * allow-snippet-annotations: "true"}); the table's notes say that they are needed. A
   * {@code global-auth-url}, so that {@code enable-global-auth: "false"} has something to turn off.
   */
  private static final GlobalConfig OPT_INS = new GlobalConfig(
      new ConfigFamily("default", ConfigFamily.DEFAULT_NAME), -1,
      SettingValues.DEFAULTS.with(Catalog.ENABLE_SSL_PASSTHROUGH, true)
          .with(Catalog.ALLOW_SNIPPET_ANNOTATIONS, true)
          .with(Catalog.GLOBAL_AUTH_URL, "http://global-auth.example/oauth2/auth"));

  @TestFactory
  Stream<DynamicTest> everyAppliedAnnotationChangesTheTranslation() {
    return IngressNginx.ANNOTATIONS.stream()
        .filter(e -> e.status().applied())
        .map(e -> DynamicTest.dynamicTest(e.shortName(), () -> check(e)));
  }

  private static void check(Entry entry) {
    Optional<String> failure = failure(entry);
    if (PENDING_MERGE.contains(entry.key())) {
      assertThat(failure)
          .as(entry.key() + " works now: remove it from PendingMerge.PENDING_MERGE")
          .isPresent();
    } else {
      assertThat(failure).as(entry.key()).isEmpty();
    }
  }

  /** Why the entry's sample does not prove the table right, or empty if it does. */
  private static Optional<String> failure(Entry entry) {
    TranslationResult without = translate(entry.companions());
    Map<String, String> with = new HashMap<>(entry.companions());
    with.put(entry.key(), entry.sample());
    TranslationResult result = translate(with);
    List<Problem> naming = result.problems().stream()
        .filter(p -> p.field().contains("[" + entry.key() + "]")).toList();
    if (!naming.isEmpty()) {
      return Optional.of("problems name it: " + naming);
    }
    if (result.snapshot().equals(without.snapshot())) {
      return Optional.of("the translation with " + entry.key() + ": " + entry.sample()
          + " is the same as without it");
    }
    return Optional.empty();
  }

  /** The fixture's main Ingress for the canary samples, which keeps its annotations. */
  private static boolean isFixed(Ingress ingress) {
    var annotations = ingress.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey("bollard.test/fixed");
  }

  private static TranslationResult translate(Map<String, String> annotations) {
    List<HasMetadata> resources = new ArrayList<>();
    for (HasMetadata r : FIXTURE) {
      resources.add(r instanceof Ingress ingress && !isFixed(ingress)
          ? new IngressBuilder(ingress).editMetadata().addToAnnotations(annotations)
              .endMetadata().build()
          : r);
    }
    return new SnapshotTranslator(IngressClassSelection.defaults(), OPT_INS,
        IngressStatusPlan.Address.NONE).translate(ResourceStore.of(resources));
  }
}
