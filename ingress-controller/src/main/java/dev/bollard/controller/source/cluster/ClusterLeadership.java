package dev.bollard.controller.source.cluster;

import dev.bollard.controller.concurrent.DaemonThreads;
import dev.bollard.controller.kube.ConfigEvents;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.controller.kube.IngressStatusWriter;
import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.ProblemEvents;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.source.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The leader-only side of a cluster: the Lease ({@link LeaderElection}), the one {@code
 * bollard-kube-writer} thread every API write runs on, and the writers that hear published results
 * ({@link ProblemEvents}, {@link ConfigEvents}, {@link IngressStatusWriter}), each acting only
 * while this replica leads.
 */
final class ClusterLeadership implements Leadership {

  private final LeaderElection election;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("bollard-kube-writer"));
  private final EventRecorder events;
  private final List<SnapshotPublisher.Listener> writers;
  private final String namespace;

  ClusterLeadership(KubernetesClient client, LeaderElection.Settings settings) {
    this.election = new LeaderElection(client, settings);
    this.namespace = settings.namespace();
    this.events = new EventRecorder(client, writer, election::isLeader, settings.identity());
    this.writers =
        List.of(
            new ProblemEvents(events, election::isLeader),
            new ConfigEvents(events),
            new IngressStatusWriter(client, writer, election::isLeader));
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
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
