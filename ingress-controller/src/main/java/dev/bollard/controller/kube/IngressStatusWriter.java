package dev.bollard.controller.kube;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.translate.IngressStatusPlan;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Ingress status the published results ask for ({@link IngressStatusPlan}) to the API
 * server, once per Ingress and change, only on the leader: desired-state reconciliation.
 *
 * <p>Each result only updates the desired status of its Ingresses and queues their keys; a key
 * already waiting is not queued again, so an Ingress that ten rebuilds plan is written once, with
 * the latest desired status. Right before writing, the Ingress as the informer cache has it now is
 * compared with that status: equal (someone, maybe an earlier write, already set it), deleted, or
 * still showing the version this writer replaced (the cache has not caught up with our write yet)
 * means no write. Writes run on the writer's own thread (never behind Events), one merge patch of
 * {@code status} each, bounded by a {@link WriteRate}. A write the API server refuses or cannot
 * take (an outage) is tried again after a back-off (doubling from {@code retryAfter}, at most
 * {@link #MAX_RETRY}) unless a newer desired status queued it meanwhile.
 */
public final class IngressStatusWriter implements SnapshotPublisher.Listener {

  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

  private final KubernetesClient client;
  private final Executor writer;
  private final BooleanSupplier leading;
  private final Function<String, Optional<Ingress>> current;
  private final WriteRate rate;
  private final Duration retryAfter;
  /** Failed writes in a row, per Ingress still waiting to be written again. */
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  /** The latest desired status of each queued Ingress, by {@code namespace/name}. */
  private final Map<String, IngressStatusPlan.Update> desired = new ConcurrentHashMap<>();
  /** The keys with a write queued. */
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** The longest back-off between tries of a status write the API server did not take. */
  static final Duration MAX_RETRY = Duration.ofMinutes(1);

  /** The first back-off after a failed write. */
  static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);

  /** What this writer wrote last, per Ingress, until the cache shows a later version. */
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  /**
   * @param writer the thread status writes run on: its own, not the Events'
   * @param leading whether this replica leads now
   * @param current an Ingress as the informer cache has it now, by {@code namespace/name}
   * @param writesPerSecond the most status writes a second; 0 for no bound
   */
  public IngressStatusWriter(
      KubernetesClient client,
      Executor writer,
      BooleanSupplier leading,
      Function<String, Optional<Ingress>> current,
      double writesPerSecond) {
    this(client, writer, leading, current, writesPerSecond, DEFAULT_RETRY);
  }

  /**
   * @param retryAfter the first back-off after a failed write; it doubles per failure in a row
   */
  public IngressStatusWriter(
      KubernetesClient client,
      Executor writer,
      BooleanSupplier leading,
      Function<String, Optional<Ingress>> current,
      double writesPerSecond,
      Duration retryAfter) {
    this.retryAfter = retryAfter;
    this.client = client;
    this.writer = writer;
    this.leading = leading;
    this.current = current;
    this.rate = writesPerSecond == 0 ? WriteRate.UNLIMITED : new WriteRate(writesPerSecond);
  }

  @Override
  public void published(Publication publication) {
    if (!leading.getAsBoolean()) {
      return;
    }
    for (IngressStatusPlan.Update u : publication.result().status().updates()) {
      String key = u.namespace() + "/" + u.name();
      desired.put(key, u);
      if (queued.add(key)) {
        try {
          writer.execute(() -> reconcile(key));
        } catch (RejectedExecutionException e) {
          // Shutting down: nothing more is written.
          queued.remove(key);
          return;
        }
      }
    }
  }

  private void reconcile(String key) {
    // From here on a newer desired status queues the key again.
    queued.remove(key);
    IngressStatusPlan.Update u = desired.remove(key);
    if (u == null || !leading.getAsBoolean()) {
      return;
    }
    Optional<Ingress> now = current.apply(key);
    if (now.isEmpty() || upToDate(key, now.get(), u.addresses())) {
      return;
    }
    try {
      rate.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // A newer desired status arrived while waiting: its own turn writes it.
    if (!desired.containsKey(key) && leading.getAsBoolean()) {
      write(key, now.get(), u);
    }
  }

  private boolean upToDate(String key, Ingress now, List<IngressLoadBalancerIngress> addresses) {
    if (IngressStatusPlan.current(now).equals(addresses)) {
      written.remove(key);
      return true;
    }
    Written w = written.get(key);
    if (w == null) {
      return false;
    }
    if (Objects.equals(w.replaced(), now.getMetadata().getResourceVersion())) {
      // The cache still shows what our last write replaced; that write set these addresses.
      return w.addresses().equals(addresses);
    }
    written.remove(key);
    return false;
  }

  private void write(String key, Ingress now, IngressStatusPlan.Update u) {
    // Written out rather than from an Ingress object: the model leaves an empty list out, and a
    // merge patch without it would not clear anything.
    String patch = "{\"status\":{\"loadBalancer\":{\"ingress\":"
        + client.getKubernetesSerialization().asJson(u.addresses()) + "}}}";
    try {
      client.network().v1().ingresses().inNamespace(u.namespace()).withName(u.name()).status()
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      written.put(key, new Written(now.getMetadata().getResourceVersion(), u.addresses()));
      failures.remove(key);
      log.info(
          "Ingress {}: status.loadBalancer.ingress {}",
          key,
          u.addresses().isEmpty() ? "cleared (not ours any more)" : "set to " + text(u.addresses()));
    } catch (KubernetesClientException e) {
      int failed = failures.merge(key, 1, Integer::sum);
      Duration backOff = backOff(failed);
      log.warn("Ingress {}: cannot write status ({} in a row): {}; trying again in {} ms", key,
          failed, e.getMessage(), backOff.toMillis());
      retry(key, u, backOff);
    }
  }

  /** Writes {@code u} again after {@code delay}, unless a newer desired status is queued. */
  private void retry(String key, IngressStatusPlan.Update u, Duration delay) {
    if (desired.putIfAbsent(key, u) != null || !queued.add(key)) {
      return;
    }
    Executor later =
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, writer);
    later.execute(() -> reconcile(key));
  }

  private Duration backOff(int failed) {
    Duration d = retryAfter;
    for (int i = 1; i < failed && d.compareTo(MAX_RETRY) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  private static String text(List<IngressLoadBalancerIngress> addresses) {
    return addresses.stream()
        .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
        .toList()
        .toString();
  }

  /**
   * @param replaced the resource version of the Ingress the write replaced
   * @param addresses what it wrote
   */
  private record Written(String replaced, List<IngressLoadBalancerIngress> addresses) {}
}
