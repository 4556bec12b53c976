package dev.bollard.controller.publish;

import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes translation results: reports problems, drops snapshots that change nothing, and swaps
 * the rest into {@link CurrentRoutes} with the next version number.
 *
 * <p>Problems are logged (one WARN line each) only when the set of problems differs from the last
 * result's, so a rebuild that changes nothing stays quiet. Meant to be called from one rebuild
 * thread; calls are serialised anyway so that a second caller cannot corrupt the version sequence.
 */
public final class SnapshotPublisher {

  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final CurrentRoutes routes;
  private RoutingSnapshot current = RoutingSnapshot.EMPTY;
  private boolean publishedOnce;
  private List<Problem> lastProblems = List.of();

  public SnapshotPublisher(CurrentRoutes routes) {
    this.routes = routes;
  }

  /**
   * Reports the result's problems and publishes its snapshot unless it routes exactly like the
   * current one.
   *
   * @return the version now being served: the new one, or the current one when nothing changed
   */
  public synchronized long publish(TranslationResult result) {
    reportProblems(result.problems());
    RoutingSnapshot candidate = result.snapshot();
    if (publishedOnce && candidate.sameContentAs(current)) {
      log.debug("Snapshot unchanged, still serving version {}", current.version());
      return current.version();
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
    return next.version();
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
