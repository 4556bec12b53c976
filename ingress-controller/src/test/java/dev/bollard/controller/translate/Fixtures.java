package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads YAML fixtures from {@code src/test/resources/translate/} with fabric8's deserialiser,
 * translates them, and finds what the translation tests look at in the result.
 */
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

  /** The fixture translated for the default Ingress classes. */
  public static TranslationResult translated(String name) {
    return new SnapshotTranslator(IngressClassSelection.defaults()).translate(store(name));
  }

  /** The (first) virtual host {@code hostPattern} of the result's snapshot. */
  public static VirtualHost virtualHost(TranslationResult result, String hostPattern) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(hostPattern))
        .findFirst().orElseThrow();
  }

  /** The features of the first route of virtual host {@code hostPattern}. */
  public static List<RouteFeature> firstRouteFeatures(
      TranslationResult result, String hostPattern) {
    return routes(result, hostPattern).map(Route::features).findFirst().orElseThrow();
  }

  /** The features of each route of virtual host {@code hostPattern}, in order. */
  public static List<List<RouteFeature>> routeFeatures(
      TranslationResult result, String hostPattern) {
    return routes(result, hostPattern).map(Route::features).toList();
  }

  /** The routes of virtual host {@code hostPattern} by their path expression. */
  public static Map<String, Route> routesByPath(TranslationResult result, String hostPattern) {
    return routes(result, hostPattern).collect(Collectors.toMap(r -> r.path().path(), r -> r));
  }

  private static Stream<Route> routes(TranslationResult result, String hostPattern) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(hostPattern))
        .map(VirtualHost::routes)
        .flatMap(List::stream);
  }
}
