package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.CustomHttpErrors;
import dev.bollard.proxy.step.DefaultBackend;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ingress-nginx's custom error annotations, read together because they depend on each other and
 * one of them names a Service:
 *
 * <ul>
 *   <li>{@code custom-http-errors}: comma-separated codes from 400 to 599 ({@code 404,503}; blanks
 *       around a code allowed) whose responses on the Ingress's routes are replaced by an error
 *       page, instead of the global key's list ({@link CustomHttpErrors});
 *   <li>{@code enable-custom-http-errors}: {@code false} replaces no code on the Ingress's routes,
 *       whatever the annotation above or the global key say;
 *   <li>{@code default-backend}: a Service of the Ingress's namespace whose first port serves the
 *       error pages of the codes above instead of the default backend (the global key's codes stay
 *       with the default backend, as in ingress-nginx), and the routes' requests while their own
 *       Service has no ready endpoint ({@link DefaultBackend}). A Service that is missing, has no
 *       port or cannot be proxied is a problem; one without ready endpoints is not (ingress-nginx
 *       ignores it until it has some).
 * </ul>
 *
 * A bad value is a {@link Problem} naming the Ingress, the annotation and the value; that
 * annotation is not applied and the rest of the Ingress is served.
 */
public final class ErrorPageAnnotations {

  static final String CODES = "nginx.ingress.kubernetes.io/custom-http-errors";
  static final String ENABLED = "nginx.ingress.kubernetes.io/enable-custom-http-errors";
  static final String BACKEND = "nginx.ingress.kubernetes.io/default-backend";

  /** A Service name (DNS-1035 label), as ingress-nginx validates the annotation. */
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private final Map<RouteSource, Ingress> ingresses;
  private final ResourceStore store;
  private final BackendResolver resolver;
  private final List<Problem> problems;
  private final Map<RouteSource, List<RouteFeature>> bySource = new HashMap<>();

  /**
   * @param ingresses the Ingresses whose routes will be given their features, by source
   * @param store where the default-backend Services are found
   * @param resolver resolves them to backends (reporting into {@code problems})
   * @param problems where bad values are reported
   */
  ErrorPageAnnotations(Map<RouteSource, Ingress> ingresses, ResourceStore store,
      BackendResolver resolver, List<Problem> problems) {
    this.ingresses = ingresses;
    this.store = store;
    this.resolver = resolver;
    this.problems = problems;
  }

  /** The route with the error-page features its Ingress's annotations ask for. */
  Route apply(Route route) {
    return route.withFeatures(bySource.computeIfAbsent(route.source(), this::parse));
  }

  /** The Service the {@code default-backend} annotation of {@code ingress} names, if any. */
  public static Optional<String> serviceReference(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata() == null
        ? null : ingress.getMetadata().getAnnotations();
    String name = annotations == null ? null : annotations.get(BACKEND);
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(ResourceStore.namespaceOf(ingress) + "/" + name.strip());
  }

  private List<RouteFeature> parse(RouteSource source) {
    Ingress ingress = ingresses.get(source);
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return List.of();
    }
    List<RouteFeature> features = new ArrayList<>();
    String codes = annotations.get(CODES);
    String enabled = annotations.get(ENABLED);
    if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
      refuse(source, ENABLED, enabled, "expected true or false");
      enabled = null;
    }
    if ("false".equals(enabled)) {
      features.add(new CustomHttpErrors(ErrorCodes.NONE));
    } else if (codes != null) {
      try {
        if (codes.isBlank()) {
          throw new IllegalArgumentException(
              "expected comma-separated codes from 400 to 599, such as 404,503");
        }
        features.add(new CustomHttpErrors(ErrorCodes.parse(codes)));
      } catch (IllegalArgumentException e) {
        refuse(source, CODES, codes, e.getMessage());
      }
    }
    String service = annotations.get(BACKEND);
    if (service != null) {
      defaultBackend(source, service).ifPresent(features::add);
    }
    return List.copyOf(features);
  }

  private Optional<RouteFeature> defaultBackend(RouteSource source, String value) {
    String name = value.strip();
    if (!SERVICE_NAME.matcher(name).matches()) {
      refuse(source, BACKEND, value, "expected the name of a Service in namespace "
          + source.namespace());
      return Optional.empty();
    }
    String key = source.namespace() + "/" + name;
    String field = "metadata.annotations[" + BACKEND + "]";
    Optional<Service> found = store.service(source.namespace(), name);
    if (found.isEmpty()) {
      problems.add(new Problem(source, field, "Service " + key + " not found; create it or fix"
          + " the annotation. Until then the Ingress's error pages come from the default backend,"
          + " and its routes answer 503 while their Service has no ready endpoint."));
      return Optional.empty();
    }
    List<ServicePort> ports = found.get().getSpec() == null
        || found.get().getSpec().getPorts() == null ? List.of() : found.get().getSpec().getPorts();
    if (ports.isEmpty()) {
      problems.add(new Problem(source, field, "Service " + key + " has no port; give it one"
          + " (its first port serves). The annotation is not applied."));
      return Optional.empty();
    }
    // ingress-nginx sends the traffic to the Service's first port.
    IngressBackend first = new IngressBackendBuilder().withNewService().withName(name)
        .withNewPort().withNumber(ports.get(0).getPort()).endPort().endService().build();
    return resolver.resolve(source.namespace(), first, source, field,
        "The annotation is not applied.").map(DefaultBackend::new);
  }

  private void refuse(RouteSource source, String key, String value, String why) {
    problems.add(new Problem(source, "metadata.annotations[" + key + "]",
        "value " + FeatureAnnotations.quote(value) + " refused: " + why
            + "; the annotation is not applied. Fix its value."));
  }
}
