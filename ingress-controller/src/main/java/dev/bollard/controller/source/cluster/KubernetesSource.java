package dev.bollard.controller.source.cluster;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.concurrent.DaemonThreads;
import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.WriteSettings;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.source.Leadership;
import dev.bollard.controller.source.Source;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.GlobalHeaderMaps;
import dev.bollard.controller.translate.SourceRead;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster as a {@link Source}: shared informers for Ingress, IngressClass, Service,
 * EndpointSlice, Secret and ConfigMap, and the replicas' leader election ({@link
 * ClusterLeadership}).
 *
 * <p>An event only signals {@link Signals#changed()}, and only when it can matter: a Service,
 * EndpointSlice, Secret or ConfigMap no Ingress refers to (found through indexes on the Ingress
 * informers, {@link IngressReferences}) is ignored, except the config family's ConfigMaps (watched
 * by their label in the family's namespace, whichever namespaces are watched). {@link #read()} is
 * empty until every informer has synced, so nothing is published before a complete view. Watches
 * that fail are retried forever by the informers; a monitor logs when they go down and come back
 * and reports it ({@link Signals#following}). Certificates live in their Secrets, ordered only by
 * the leader. Owns the API client: closing the source closes it.
 */
public final class KubernetesSource implements Source {

  private static final Logger log = LoggerFactory.getLogger(KubernetesSource.class);

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final ConfigFamily family;
  private final @Nullable String publishService;
  private final Duration watchCheck;
  private final ClusterLeadership leadership;
  private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
  private final List<SharedIndexInformer<Ingress>> ingressInformers = new ArrayList<>();
  private final ScheduledExecutorService monitor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bollard-watch-monitor"));
  private volatile Signals signals = new Signals() {
    @Override
    public void changed() {}

    @Override
    public void following(boolean healthy) {}
  };
  private boolean healthy = true;
  private volatile boolean closed;
  /** The config family's ConfigMaps, whose {@code bollard-auth-secret} makes a Secret relevant. */
  private volatile @Nullable SharedIndexInformer<ConfigMap> configMaps;

  /**
   * @param client the API client; closed with the source
   * @param namespaces namespaces to watch; empty for all
   * @param family the config family whose ConfigMaps are watched
   * @param publishService {@code namespace/name} of the Service whose address goes into Ingress
   *     status (its changes matter), or {@code null}
   * @param election the leader Lease
   * @param writes how fast the leader writes status and Events, and when a problem is an Event
   * @param watchCheck how often watch health is checked
   */
  public KubernetesSource(
      KubernetesClient client,
      List<String> namespaces,
      ConfigFamily family,
      @Nullable String publishService,
      LeaderElection.Settings election,
      WriteSettings writes,
      Duration watchCheck) {
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.family = family;
    this.publishService = publishService;
    this.watchCheck = watchCheck;
    this.leadership = new ClusterLeadership(client, election, writes, this::cachedIngress);
  }

  @Override
  public String mode() {
    return "kubernetes";
  }

  @Override
  public boolean awaitFirstRead() {
    return false;
  }

  /** Certificates in their Secrets; orders on the leader; Events on the Ingress naming each. */
  @Override
  public CertificateWiring certificates(CertificateWiring.Options options) {
    CertificateWiring wiring =
        CertificateWiring.kubernetes(
            options, client, leadership.namespace(), leadership::isLeader);
    wiring.recordEvents(leadership.events());
    return wiring;
  }

  @Override
  public Optional<Leadership> leadership() {
    return Optional.of(leadership);
  }

  /** Starts every informer; returns a future that completes when all have synced. */
  @Override
  public CompletableFuture<Void> start(Signals signals) {
    this.signals = signals;
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (String ns : namespaces.isEmpty() ? List.of("") : namespaces) {
      SharedIndexInformer<Ingress> ingresses =
          informer(
              ns.isEmpty()
                  ? client.network().v1().ingresses().inAnyNamespace()
                  : client.network().v1().ingresses().inNamespace(ns),
              r -> true,
              // Our own status writes change only status: nothing translation reads.
              (a, b) -> !Objects.equals(a.getSpec(), b.getSpec())
                  || !Objects.equals(a.getMetadata().getAnnotations(),
                      b.getMetadata().getAnnotations()));
      ingresses.addIndexers(IngressReferences.indexers());
      ingressInformers.add(ingresses);
      informer(
          ns.isEmpty()
              ? client.services().inAnyNamespace()
              : client.services().inNamespace(ns),
          s -> referenced(IngressReferences.SERVICES, key(s)) || key(s).equals(publishService));
      informer(
          ns.isEmpty()
              ? client.discovery().v1().endpointSlices().inAnyNamespace()
              : client.discovery().v1().endpointSlices().inNamespace(ns),
          this::sliceMatters);
      informer(
          ns.isEmpty() ? client.secrets().inAnyNamespace() : client.secrets().inNamespace(ns),
          s -> referenced(IngressReferences.SECRETS, key(s))
              || globalReference("bollard-auth-secret", key(s)));
      informer(
          ns.isEmpty()
              ? client.configMaps().inAnyNamespace()
              : client.configMaps().inNamespace(ns),
          c -> referenced(IngressReferences.CONFIG_MAPS, key(c))
              || GlobalHeaderMaps.KEYS.stream().anyMatch(k -> globalReference(k, key(c))));
    }
    informer(client.network().v1().ingressClasses(), r -> true);
    configMaps = informer(
        client.configMaps()
            .inNamespace(family.namespace())
            .withLabel(ConfigFamily.CONFIG_LABEL, family.name()),
        // The selector already filters; checked again so that a server ignoring it costs nothing.
        c -> c.getMetadata().getLabels() != null
            && family.name().equals(c.getMetadata().getLabels().get(ConfigFamily.CONFIG_LABEL)));
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      synced.add(informer.start().toCompletableFuture());
    }
    long every = Math.max(1, watchCheck.toMillis());
    monitor.scheduleWithFixedDelay(this::checkWatches, every, every, TimeUnit.MILLISECONDS);
    return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
        .whenComplete((ok, error) -> {
          if (error == null) {
            log.info("Informer caches synced");
          } else if (!closed) {
            log.warn("Informers failed to start: {}", error.toString());
          }
        });
  }

  /** Whether every informer has listed its resources at least once. */
  public boolean hasSynced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The informers' caches as a store, or empty before the first sync. */
  @Override
  public Optional<SourceRead> read() {
    if (!hasSynced()) {
      return Optional.empty();
    }
    List<HasMetadata> all = new ArrayList<>();
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      all.addAll(informer.getStore().list());
    }
    return Optional.of(SourceRead.of(ResourceStore.of(all)));
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(
      Informable<T> source, Predicate<T> matters) {
    return informer(source, matters, (a, b) -> true);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(
      Informable<T> source, Predicate<T> matters, BiPredicate<T, T> changedEnough) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer.exceptionHandler(
        (started, t) -> {
          // Keep retrying: the API server coming back is the normal end of an outage.
          log.debug("Watch of {} failed: {}", informer.getApiTypeClass().getSimpleName(),
              t.toString());
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            signal(matters.test(obj));
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            signal(
                (matters.test(newObj) || matters.test(oldObj))
                    && changedEnough.test(oldObj, newObj));
          }

          @Override
          public void onDelete(T obj, boolean unknownFinalState) {
            signal(matters.test(obj));
          }
        });
    informers.add(informer);
    return informer;
  }

  /** An Ingress as the informer cache has it now; the status writer compares with it. */
  private Optional<Ingress> cachedIngress(String key) {
    for (SharedIndexInformer<Ingress> informer : ingressInformers) {
      Ingress ingress = informer.getStore().getByKey(key);
      if (ingress != null) {
        return Optional.of(ingress);
      }
    }
    return Optional.empty();
  }

  private void signal(boolean matters) {
    if (matters) {
      signals.changed();
    }
  }

  /**
   * Whether a version of the config family names {@code key} under {@code configKey} (the global
   * guard's Secret, the ConfigMaps of {@code proxy-set-headers} and {@code add-headers}).
   */
  private boolean globalReference(String configKey, String key) {
    SharedIndexInformer<ConfigMap> maps = configMaps;
    return maps != null && maps.getStore().list().stream()
        .anyMatch(m -> m.getData() != null && m.getData().get(configKey) != null
            && key.equals(m.getData().get(configKey).strip()));
  }

  private boolean sliceMatters(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(ResourceStore.SERVICE_NAME_LABEL);
    if (service == null) {
      return false;
    }
    String k = ResourceStore.namespaceOf(slice) + "/" + service;
    return referenced(IngressReferences.SERVICES, k) || k.equals(publishService);
  }

  private boolean referenced(String index, String key) {
    for (SharedIndexInformer<Ingress> informer : ingressInformers) {
      if (!informer.getIndexer().byIndex(index, key).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static String key(HasMetadata r) {
    return ResourceStore.namespaceOf(r) + "/" + r.getMetadata().getName();
  }

  private void checkWatches() {
    if (!hasSynced()) {
      return;
    }
    List<String> down = new ArrayList<>();
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      if (!informer.isWatching()) {
        down.add(informer.getApiTypeClass().getSimpleName());
      }
    }
    boolean now = down.isEmpty();
    if (now != healthy) {
      healthy = now;
      signals.following(now);
      if (now) {
        log.info("Watches on the API server are back; following changes again");
      } else {
        log.warn(
            "Lost the watch on {} (API server unreachable?); still serving the last snapshot,"
                + " retrying",
            String.join(", ", down.stream().distinct().toList()));
      }
    }
  }

  @Override
  public String toString() {
    return "the cluster"
        + (namespaces.isEmpty() ? "" : " in namespaces " + String.join(",", namespaces));
  }

  /** Stops the informers, the monitor and the leader election; closes the client. */
  @Override
  public void close() {
    closed = true;
    monitor.shutdownNow();
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      informer.stop();
    }
    leadership.close();
    client.close();
  }
}
