package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An Ingress that passed {@link IngressChecker}: what translation needs, in the API's terms.
 *
 * @param source names the Ingress
 * @param created its {@code creationTimestamp}, or {@code null} if it has none (manifest files)
 * @param defaultBackend {@code spec.defaultBackend}, if set
 * @param paths every path of every rule, in the order written
 * @param hosts every host its rules name (lower case, without the host-less pattern), also those
 *     of rules without {@code http}: each gets a virtual host of its own, as a server in nginx
 */
record CheckedIngress(
    RouteSource source,
    @Nullable Instant created,
    @Nullable IngressBackend defaultBackend,
    List<PathRule> paths,
    List<String> hosts) {

  /**
   * Older first: by {@code creationTimestamp}, then namespace, then name. An Ingress without a
   * timestamp counts as newer than any with one, so that a hand-written file never takes a path
   * over from a resource the cluster already serves.
   */
  static final Comparator<CheckedIngress> OLDEST_FIRST =
      Comparator.comparing(
              CheckedIngress::created, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
          .thenComparing(i -> i.source().namespace())
          .thenComparing(i -> i.source().name());

  CheckedIngress {
    paths = List.copyOf(paths);
    hosts = List.copyOf(hosts);
  }

  String namespace() {
    return source.namespace();
  }

  /** How problems name it: {@code Ingress namespace/name}. */
  String resource() {
    return source.toString();
  }

  static RouteSource sourceOf(Ingress ingress) {
    return RouteSource.ingress(ResourceStore.namespaceOf(ingress), ingress.getMetadata().getName());
  }

  static @Nullable Instant creationOf(Ingress ingress) {
    String ts = ingress.getMetadata().getCreationTimestamp();
    if (ts == null || ts.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(ts).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
