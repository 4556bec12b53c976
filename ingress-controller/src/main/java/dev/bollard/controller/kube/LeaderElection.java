package dev.bollard.controller.kube;

import dev.bollard.controller.concurrent.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contends for a {@code coordination.k8s.io} Lease with fabric8's {@link LeaderElector} until
 * closed, and says whether this replica may act as leader now. The ACME work uses the same Lease.
 *
 * <p>It does not take the library's word for either. This replica acts only while the elector
 * said it leads, nothing since said otherwise, and its last successful renewal is younger than
 * the renew deadline by this process's own clock ({@link RenewalClock}): a leader cut off from
 * the API server stops acting then, however long the client's retries take, and acts again only
 * after a renewal succeeds. And it keeps contending whatever happens to an elector: one that
 * ends, says it stopped leading, or falls silent (a callback or record the library chokes on
 * ends its loops without completing its future) is abandoned, its lock {@link
 * GuardedLeaseLock#retire() retired}, and a new one started a retry period later.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * How the Lease is held.
   *
   * @param namespace the Lease's namespace (the controller's own)
   * @param electionId the Lease's name
   * @param identity this replica's name in the Lease
   * @param leaseDuration how long a Lease lasts without renewal (whole seconds: the Lease stores
   *     seconds)
   * @param renewDeadline how long after its last successful renewal a leader stops acting and
   *     gives the Lease up; shorter than the lease duration
   * @param retryPeriod how often to try; at most the renew deadline / 1.2 (the library adds up
   *     to 120 % jitter when acquiring)
   */
  public record Settings(
      String namespace,
      String electionId,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {

    public Settings {
      if (leaseDuration.toMillis() % 1000 != 0 || leaseDuration.toSeconds() < 1) {
        throw new IllegalArgumentException("lease duration " + leaseDuration
            + " (expected: whole seconds, at least 1s; the Lease stores seconds)");
      }
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("renew deadline " + renewDeadline
            + " (expected: shorter than the lease duration " + leaseDuration + ")");
      }
      if (retryPeriod.isNegative() || retryPeriod.isZero()
          || retryPeriod.toMillis() * 12 >= renewDeadline.toMillis() * 10) {
        throw new IllegalArgumentException("retry period " + retryPeriod
            + " (expected: positive, shorter than the renew deadline " + renewDeadline
            + " / 1.2)");
      }
    }
  }

  /** Hears leadership changes, in order, on one thread. */
  public interface Listener {
    void started();

    void stopped();
  }

  private static final Listener NOBODY = new Listener() {
    @Override
    public void started() {}

    @Override
    public void stopped() {}
  };

  /** One elector and the lock it works through, from start until abandoned. */
  private static final class Term {
    final int number;
    final GuardedLeaseLock lock;
    @Nullable CompletableFuture<?> future;

    Term(int number, GuardedLeaseLock lock) {
      this.number = number;
      this.lock = lock;
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final RenewalClock renewals;
  private final Duration silence;
  // Timer: restarts, the deadline check and listener calls, in order. Stopper: cancelling an
  // elector can wait on a call it has under way; never on the timer, never under our monitor.
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bollard-leader-election"));
  private final ExecutorService stopper =
      Executors.newSingleThreadExecutor(DaemonThreads.named("bollard-leader-election-stop"));
  private volatile Listener listener = NOBODY;
  // What the elector said (leading) and what the listener last heard (acting).
  private volatile boolean leading;
  private boolean acting;
  private volatile boolean closed;
  private int terms;
  private @Nullable Term current;

  public LeaderElection(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.renewals = new RenewalClock(settings.renewDeadline(), System::nanoTime);
    // A working elector calls the API at least every 2.2 retry periods (1.2 jitter when
    // acquiring), or has a call under way.
    Duration threeRetries = settings.retryPeriod().multipliedBy(3);
    this.silence = threeRetries.compareTo(settings.leaseDuration()) > 0
        ? threeRetries : settings.leaseDuration();
  }

  /** Starts contending, in the background; {@code listener} hears each start and stop. */
  public void start(Listener listener) {
    this.listener = listener;
    long tick = Math.max(10, Math.min(500, settings.retryPeriod().toMillis() / 4));
    timer.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    timer.execute(this::contend);
  }

  /**
   * Whether this replica may act as leader now: the elector said so, nothing since said
   * otherwise, and the last renewal is younger than the renew deadline by this process's clock.
   */
  public boolean isLeader() {
    return leading && !closed && renewals.fresh();
  }

  private synchronized void contend() {
    if (closed || current != null) {
      return;
    }
    Term term = new Term(++terms, new GuardedLeaseLock(
        new LeaseLock(settings.namespace(), settings.electionId(), settings.identity()),
        renewals));
    current = term;
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(settings.electionId())
                    .withLock(term.lock)
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    // Released by close() itself: the library's release on cancel would run on
                    // whichever thread cancels, and reports the change as a callback first.
                    .withReleaseOnCancel(false)
                    .withLeaderCallbacks(new LeaderCallbacks(
                        () -> onStart(term),
                        () -> onStop(term),
                        holder -> onNewLeader(term, holder)))
                    .build())
            .build();
    CompletableFuture<?> f = elector.start();
    term.future = f;
    f.whenComplete((ok, error) -> abandon(term, error == null
        ? "the elector ended" : "the elector failed: " + error));
  }

  private synchronized void onStart(Term term) {
    if (term == current && !closed) {
      leading = true;
      settle("the elector took the Lease");
    }
  }

  private void onStop(Term term) {
    abandon(term, "the elector stopped leading");
  }

  private synchronized void onNewLeader(Term term, @Nullable String holder) {
    if (term != current || closed || settings.identity().equals(holder)) {
      return;
    }
    log.info("Leader of Lease {}/{} is now {}", settings.namespace(), settings.electionId(),
        holder == null ? "nobody (released)" : holder);
    // Whatever the library calls next (or fails to), the Lease no longer names us.
    leading = false;
    settle(holder == null ? "the Lease was released" : "the Lease names " + holder);
  }

  /** Every retry period / 4: the renew deadline by our clock, and a silent elector. */
  private synchronized void check() {
    if (closed || current == null) {
      return;
    }
    try {
      settle("");
      if (current.lock.silentFor(silence)) {
        abandon(current, "the elector made no call for " + silence.toMillis() + " ms");
      }
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: this check must outlive anything.
      log.warn("Lease {}/{}: leadership check failed: {}", settings.namespace(),
          settings.electionId(), e.toString());
    }
  }

  /** Leaves {@code term} behind (if still current), stops acting, contends again soon. */
  private synchronized void abandon(Term term, String why) {
    if (term != current) {
      return;
    }
    current = null;
    term.lock.retire();
    leading = false;
    renewals.forget();
    if (!settle(why)) {
      log.debug("Lease {}/{}: elector {}: {}; contending again", settings.namespace(),
          settings.electionId(), term.number, why);
    }
    CompletableFuture<?> f = term.future;
    if (f != null && !f.isDone()) {
      stopper.execute(() -> f.cancel(true));
    }
    if (!closed) {
      timer.schedule(this::contend, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Brings what the listener heard in line with {@link #isLeader()}, saying {@code why} if it
   * changes (the renew deadline explains itself). Whether it changed.
   */
  private synchronized boolean settle(String why) {
    boolean now = !closed && isLeader();
    if (now == acting) {
      return false;
    }
    acting = now;
    if (now) {
      log.info("Leading (Lease {}/{} as {})", settings.namespace(), settings.electionId(),
          settings.identity());
    } else {
      Duration since = renewals.sinceRenewal();
      String reason = leading && since != null
          ? "no renewal of the Lease for " + since.toMillis() + " ms, past the renew deadline "
              + settings.renewDeadline()
          : why;
      log.info("No longer leading (Lease {}/{}): {}", settings.namespace(),
          settings.electionId(), reason);
    }
    notifyListener(now);
    return true;
  }

  private void notifyListener(boolean started) {
    if (closed) {
      listener.stopped();
      return;
    }
    timer.execute(() -> {
      try {
        if (started) {
          listener.started();
        } else {
          listener.stopped();
        }
      } catch (RuntimeException e) {
        log.warn("Leadership listener failed on {}: {}", started ? "start" : "stop", e.toString());
      }
    });
  }

  /** Stops contending and releases the Lease if held. */
  @Override
  public void close() {
    Term last;
    boolean wasLeading;
    synchronized (this) {
      if (closed) {
        return;
      }
      wasLeading = isLeader();
      closed = true;
      last = current;
      if (last != null) {
        abandon(last, "shutting down");
      } else {
        leading = false;
        settle("shutting down");
      }
    }
    timer.shutdownNow();
    stopper.shutdown();
    if (last != null && wasLeading) {
      try {
        if (last.lock.release(client)) {
          log.info("Released Lease {}/{}", settings.namespace(), settings.electionId());
        }
      } catch (RuntimeException e) {
        log.warn("Could not release Lease {}/{} (it expires after {}): {}", settings.namespace(),
            settings.electionId(), settings.leaseDuration(), e.toString());
      }
    }
  }
}
