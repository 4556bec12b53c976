package dev.bollard.controller.kube;

import dev.bollard.controller.concurrent.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contends for a {@code coordination.k8s.io} Lease with fabric8's {@link LeaderElector}, and
 * contends again after losing it, until closed. The ACME work uses the same Lease.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * How the Lease is held.
   *
   * @param namespace the Lease's namespace (the controller's own)
   * @param electionId the Lease's name
   * @param identity this replica's name in the Lease
   * @param leaseDuration how long a Lease lasts without renewal
   * @param renewDeadline how long the leader tries to renew before giving up
   * @param retryPeriod how often to try
   */
  public record Settings(
      String namespace,
      String electionId,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {}

  /** Hears leadership changes, on the elector's thread. */
  public interface Listener {
    void started();

    void stopped();
  }

  private final KubernetesClient client;
  private final Settings settings;
  private volatile Listener listener = new Listener() {
    @Override
    public void started() {}

    @Override
    public void stopped() {}
  };
  private final ScheduledExecutorService retry =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bollard-leader-election"));
  private volatile boolean leading;
  private volatile boolean closed;
  private @Nullable CompletableFuture<?> running;

  public LeaderElection(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** Starts contending, in the background; {@code listener} hears each start and stop. */
  public void start(Listener listener) {
    this.listener = listener;
    contend();
  }

  private synchronized void contend() {
    if (closed) {
      return;
    }
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(settings.electionId())
                    .withLock(
                        new LeaseLock(
                            settings.namespace(), settings.electionId(), settings.identity()))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::onStart, this::onStop, this::onNewLeader))
                    .build())
            .build();
    CompletableFuture<?> f = elector.start();
    running = f;
    f.whenComplete(
        (ok, error) -> {
          if (!closed) {
            // Lost the Lease (or could not reach the API): contend again.
            retry.schedule(this::contend, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Whether this replica holds the Lease now. */
  public boolean isLeader() {
    return leading;
  }

  private void onStart() {
    leading = true;
    log.info("Leading (Lease {}/{} as {})", settings.namespace(), settings.electionId(),
        settings.identity());
    listener.started();
  }

  private void onStop() {
    if (leading) {
      leading = false;
      log.info("No longer leading (Lease {}/{})", settings.namespace(), settings.electionId());
      listener.stopped();
    }
  }

  private void onNewLeader(String identity) {
    if (!identity.equals(settings.identity())) {
      log.info("Leader is now {}", identity);
    }
  }

  /** Stops contending and releases the Lease if held. */
  @Override
  public void close() {
    CompletableFuture<?> f;
    synchronized (this) {
      closed = true;
      f = running;
    }
    retry.shutdownNow();
    if (f != null) {
      f.cancel(true);
    }
    onStop();
  }
}
