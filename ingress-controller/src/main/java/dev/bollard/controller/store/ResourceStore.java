package dev.bollard.controller.store;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A read-only view of the Kubernetes resources translation needs, indexed by namespace and name.
 *
 * <p>Holds Ingresses ({@code networking.k8s.io/v1}), IngressClasses, Services, EndpointSlices
 * ({@code discovery.k8s.io/v1}, indexed by their {@code kubernetes.io/service-name} label), legacy
 * Endpoints, Secrets and ConfigMaps; other kinds and other API versions are ignored. A resource
 * without a namespace is taken to be in {@code default}, as {@code kubectl apply} would place it.
 * When the same kind, namespace and name occurs twice, the later one in the input wins.
 *
 * <p>The store never changes after {@link #of}; it does not copy the fabric8 objects it holds, so
 * neither the source that built it nor a reader may mutate them.
 */
public final class ResourceStore {

  /** The namespace of a resource that names none. */
  public static final String DEFAULT_NAMESPACE = "default";

  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private static final Comparator<HasMetadata> BY_KEY =
      Comparator.comparing(ResourceStore::namespaceOf)
          .thenComparing(r -> r.getMetadata().getName());

  private final List<Ingress> ingresses;
  private final Map<String, IngressClass> ingressClasses;
  private final List<IngressClass> sortedIngressClasses;
  private final Map<String, Service> services;
  private final Map<String, List<EndpointSlice>> slicesByService;
  private final Map<String, Endpoints> endpoints;
  private final Map<String, Secret> secrets;
  private final Map<String, ConfigMap> configMaps;
  private final List<ConfigMap> sortedConfigMaps;

  private ResourceStore(Builder b) {
    this.ingresses = b.ingresses.values().stream().sorted(BY_KEY).toList();
    this.ingressClasses = Map.copyOf(b.ingressClasses);
    this.sortedIngressClasses =
        b.ingressClasses.values().stream()
            .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
            .toList();
    this.services = Map.copyOf(b.services);
    Map<String, List<EndpointSlice>> slices = new TreeMap<>();
    for (EndpointSlice slice : b.slices.values()) {
      String service =
          slice.getMetadata().getLabels() == null
              ? null
              : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      if (service != null && !service.isEmpty()) {
        slices.computeIfAbsent(key(namespaceOf(slice), service), k -> new ArrayList<>()).add(slice);
      }
    }
    slices.replaceAll((k, v) -> v.stream().sorted(BY_KEY).toList());
    this.slicesByService = Map.copyOf(slices);
    this.endpoints = Map.copyOf(b.endpoints);
    this.secrets = Map.copyOf(b.secrets);
    this.configMaps = Map.copyOf(b.configMaps);
    this.sortedConfigMaps = b.configMaps.values().stream().sorted(BY_KEY).toList();
  }

  /** A store holding these resources; resources of other kinds, or without a name, are ignored. */
  public static ResourceStore of(Collection<? extends HasMetadata> resources) {
    Builder b = new Builder();
    for (HasMetadata r : resources) {
      b.add(r);
    }
    return new ResourceStore(b);
  }

  /** A store holding nothing. */
  public static ResourceStore empty() {
    return of(List.of());
  }

  /**
   * The namespace a resource lives in: its own, or {@value #DEFAULT_NAMESPACE} if it names none.
   */
  public static String namespaceOf(HasMetadata resource) {
    String ns = resource.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
  }

  /** Every Ingress, sorted by namespace, then name. */
  public List<Ingress> ingresses() {
    return ingresses;
  }

  /** Every IngressClass, sorted by name. */
  public List<IngressClass> ingressClasses() {
    return sortedIngressClasses;
  }

  /** The IngressClass of that name (IngressClasses are cluster-wide). */
  public Optional<IngressClass> ingressClass(String name) {
    return Optional.ofNullable(ingressClasses.get(name));
  }

  /** The Service {@code namespace/name}. */
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.get(key(namespace, name)));
  }

  /** The EndpointSlices labelled with that Service's name, sorted by slice name; maybe empty. */
  public List<EndpointSlice> endpointSlices(String namespace, String serviceName) {
    return slicesByService.getOrDefault(key(namespace, serviceName), List.of());
  }

  /** The legacy Endpoints object {@code namespace/name} (named like its Service). */
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return Optional.ofNullable(endpoints.get(key(namespace, name)));
  }

  /** The Secret {@code namespace/name}. */
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(key(namespace, name)));
  }

  /** The ConfigMap {@code namespace/name}. */
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(key(namespace, name)));
  }

  /** Every ConfigMap, sorted by namespace, then name. */
  public List<ConfigMap> configMaps() {
    return sortedConfigMaps;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** Collects resources by kind; insertion order keeps "the later one wins" simple. */
  private static final class Builder {
    final Map<String, Ingress> ingresses = new LinkedHashMap<>();
    final Map<String, IngressClass> ingressClasses = new LinkedHashMap<>();
    final Map<String, Service> services = new LinkedHashMap<>();
    final Map<String, EndpointSlice> slices = new LinkedHashMap<>();
    final Map<String, Endpoints> endpoints = new LinkedHashMap<>();
    final Map<String, Secret> secrets = new LinkedHashMap<>();
    final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();

    void add(HasMetadata r) {
      ObjectMeta meta = r.getMetadata();
      if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
        return;
      }
      String key = key(namespaceOf(r), meta.getName());
      if (r instanceof Ingress i) {
        ingresses.put(key, i);
      } else if (r instanceof IngressClass c) {
        ingressClasses.put(meta.getName(), c);
      } else if (r instanceof Service s) {
        services.put(key, s);
      } else if (r instanceof EndpointSlice s) {
        slices.put(key, s);
      } else if (r instanceof Endpoints e) {
        endpoints.put(key, e);
      } else if (r instanceof Secret s) {
        secrets.put(key, s);
      } else if (r instanceof ConfigMap c) {
        configMaps.put(key, c);
      }
    }
  }
}
