package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Loads YAML fixtures from {@code src/test/resources/translate/} with fabric8's deserialiser. */
public final class Fixtures {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  /** Every resource of the multi-document YAML file {@code translate/<name>}. */
  public static List<HasMetadata> resources(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/translate/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("fixture: " + name + " (expected: in translate/)");
      }
      Object parsed = SERIALIZATION.unmarshal(in);
      if (parsed instanceof KubernetesList list) {
        return list.getItems();
      }
      if (parsed instanceof List<?> list) {
        return list.stream().map(HasMetadata.class::cast).toList();
      }
      return List.of((HasMetadata) parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A store holding the fixture's resources. */
  public static ResourceStore store(String name) {
    return ResourceStore.of(resources(name));
  }
}
