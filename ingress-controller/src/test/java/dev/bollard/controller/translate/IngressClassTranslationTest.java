package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressClassTranslationTest {

  @Test
  void selectsByClassNameControllerAndAnnotationIgnoringOthersSilently() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("classes.yaml"));

    assertThat(result.problems()).isEmpty();
    assertThat(hosts(result))
        .containsExactly(
            "by-annotation.example.com", "by-class-name.example.com", "by-controller.example.com");
  }

  @Test
  void takesClasslessIngressesWhenAskedTo() {
    IngressClassSelection selection =
        new IngressClassSelection("bollard", IngressClassSelection.CONTROLLER, true);

    TranslationResult result =
        new SnapshotTranslator(selection).translate(Fixtures.store("classes.yaml"));

    assertThat(hosts(result))
        .containsExactly(
            "by-annotation.example.com",
            "by-class-name.example.com",
            "by-controller.example.com",
            "no-class.example.com");
  }

  @Test
  void anotherClassNameSelectsByThatName() {
    IngressClassSelection selection =
        new IngressClassSelection("nginx", "k8s.io/ingress-nginx", false);

    TranslationResult result =
        new SnapshotTranslator(selection).translate(Fixtures.store("classes.yaml"));

    // nginx's IngressClass is the cluster default, so the class-less Ingress is its too.
    assertThat(hosts(result))
        .containsExactly(
            "annotation-wins.example.com", "no-class.example.com", "other-controller.example.com");
  }

  @Test
  void ourDefaultClassTakesClasslessIngressesAndAMissingClassMatchesByName() {
    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(Fixtures.store("classes-default.yaml"));

    assertThat(hosts(result)).containsExactly("by-name-only.example.com", "no-class.example.com");
  }

  @Test
  void withoutOurDefaultClassClasslessIngressesAreNotOurs() {
    List<HasMetadata> withoutClasses =
        Fixtures.resources("classes-default.yaml").stream()
            .filter(r -> !r.getKind().equals("IngressClass"))
            .toList();

    TranslationResult result =
        new SnapshotTranslator(IngressClassSelection.defaults())
            .translate(ResourceStore.of(withoutClasses));

    assertThat(hosts(result)).containsExactly("by-name-only.example.com");
  }

  @Test
  void rejectsEmptyNames() {
    assertThatThrownBy(() -> new IngressClassSelection("", "x", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("className");
  }

  private static List<String> hosts(TranslationResult result) {
    return result.snapshot().virtualHosts().stream().map(VirtualHost::hostPattern).toList();
  }
}
