package dev.bollard.controller.publish;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes translation results: swaps snapshots that change something into {@link
 * CurrentRoutes} with the next version number, drops the rest, then tells every {@link Listener}
 * what was published.
 *
 * <p>Problems are logged (one WARN line each) only when the set of problems differs from the last
 * result's, so a rebuild that changes nothing stays quiet. Meant to be called from one rebuild
 * thread; calls are serialised anyway so that a second caller cannot corrupt the version sequence.
 */
public final class SnapshotPublisher {

  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  /**
   * Hears every published result, on the rebuild thread, after the swap: status, metrics, Events,
   * Ingress status, certificates. Leader-only listeners check leadership themselves. A listener
   * that throws is logged; the others still hear the result.
   */
  public interface Listener {
    /** Called after every rebuild that ran, whether or not its snapshot changed anything. */
    void published(Publication publication);
  }

  private final CurrentRoutes routes;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private RoutingSnapshot current = RoutingSnapshot.EMPTY;
  private boolean publishedOnce;
  private List<Problem> lastProblems = List.of();

  public SnapshotPublisher(CurrentRoutes routes) {
    this.routes = routes;
  }

  /** Adds a listener for the results published from now on. */
  public void subscribe(Listener listener) {
    listeners.add(listener);
  }

  /** {@link #publish(ResourceStore, TranslationResult)} of a result from no particular store. */
  public long publish(TranslationResult result) {
    return publish(ResourceStore.empty(), result);
  }

  /**
   * Publishes the result's snapshot unless it routes exactly like the current one, reports its
   * problems, then tells the listeners.
   *
   * @param store what the result was translated from, for the listeners
   * @return the version now being served: the new one, or the current one when nothing changed
   */
  public long publish(ResourceStore store, TranslationResult result) {
    Publication publication;
    synchronized (this) {
      publication = swap(store, result);
      reportProblems(result.problems());
    }
    for (Listener listener : listeners) {
      try {
        listener.published(publication);
      } catch (RuntimeException e) {
        log.error("Listener {} failed on snapshot version {}", listener, publication.version(), e);
      }
    }
    return publication.version();
  }

  private Publication swap(ResourceStore store, TranslationResult result) {
    RoutingSnapshot candidate = result.snapshot();
    if (publishedOnce && candidate.sameContentAs(current)) {
      log.debug("Snapshot unchanged, still serving version {}", current.version());
      return new Publication(current.version(), false, store, result);
    }
    RoutingSnapshot next = candidate.withVersion(current.version() + 1);
    routes.publish(next);
    current = next;
    publishedOnce = true;
    log.info(
        "Published snapshot version {}: {} hosts, {} routes, {} problems",
        next.version(),
        next.virtualHosts().size(),
        next.virtualHosts().stream().mapToInt(vh -> vh.routes().size()).sum(),
        result.problems().size());
    return new Publication(next.version(), true, store, result);
  }

  /** The snapshot published last, or {@link RoutingSnapshot#EMPTY} before the first. */
  public synchronized RoutingSnapshot current() {
    return current;
  }

  private void reportProblems(List<Problem> problems) {
    // Order-insensitive: a translator may list the same problems in another order.
    if (problems.size() == lastProblems.size()
        && new HashSet<>(problems).equals(new HashSet<>(lastProblems))) {
      return;
    }
    if (problems.isEmpty()) {
      log.info("All {} problems resolved", lastProblems.size());
    }
    for (Problem problem : problems) {
      log.warn("{}", problem);
    }
    lastProblems = List.copyOf(problems);
  }
}
