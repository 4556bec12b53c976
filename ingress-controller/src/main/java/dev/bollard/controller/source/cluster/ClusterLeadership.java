package dev.bollard.controller.source.cluster;

import dev.bollard.controller.concurrent.DaemonThreads;
import dev.bollard.controller.kube.ConfigEvents;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.controller.kube.IngressStatusWriter;
import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.ProblemEvents;
import dev.bollard.controller.kube.WriteSettings;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.source.Leadership;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The leader-only side of a cluster: the Lease ({@link LeaderElection}) and the writers that hear
 * published results ({@link ProblemEvents}, {@link ConfigEvents}, {@link IngressStatusWriter}),
 * each acting only while this replica leads. Status and Events have a thread each ({@code
 * bollard-status-writer}, {@code bollard-event-writer}), so neither waits behind the other.
 */
final class ClusterLeadership implements Leadership {

  private final LeaderElection election;
  private final ExecutorService statusWriter =
      Executors.newSingleThreadExecutor(DaemonThreads.named("bollard-status-writer"));
  private final ScheduledExecutorService eventWriter =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bollard-event-writer"));
  private final EventRecorder events;
  private final List<SnapshotPublisher.Listener> writers;
  private final String namespace;

  /**
   * @param ingresses an Ingress as the informer cache has it now, by {@code namespace/name}
   */
  ClusterLeadership(KubernetesClient client, LeaderElection.Settings settings,
      WriteSettings writes, Function<String, Optional<Ingress>> ingresses) {
    this.election = new LeaderElection(client, settings);
    this.namespace = settings.namespace();
    this.events = new EventRecorder(client, eventWriter, election::isLeader, settings.identity(),
        writes.eventWritesPerSecond());
    this.writers =
        List.of(
            new ProblemEvents(events, election::isLeader, writes.problemEventDelay(),
                eventWriter),
            new ConfigEvents(events),
            new IngressStatusWriter(client, statusWriter, election::isLeader, ingresses,
                writes.statusWritesPerSecond()));
  }

  /** The controller's own namespace, where the Lease lives. */
  String namespace() {
    return namespace;
  }

  /** Events on the objects Bollard has something to say about, written while leading. */
  EventRecorder events() {
    return events;
  }

  @Override
  public boolean isLeader() {
    return election.isLeader();
  }

  @Override
  public void start(Listener listener) {
    election.start(
        new LeaderElection.Listener() {
          @Override
          public void started() {
            listener.started();
          }

          @Override
          public void stopped() {
            listener.stopped();
          }
        });
  }

  @Override
  public List<SnapshotPublisher.Listener> writers() {
    return writers;
  }

  @Override
  public void close() {
    election.close();
    // Not leading any more: what is still queued is skipped, and a rate wait is cut short.
    statusWriter.shutdownNow();
    eventWriter.shutdownNow();
    try {
      statusWriter.awaitTermination(2, TimeUnit.SECONDS);
      eventWriter.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
