package dev.bollard.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas contending for one Lease while the API server goes away, hangs, comes back, or the
 * Lease loses its holder: fabric8's mock API server (CRUD mode), each replica with its own client
 * behind its own {@link ApiLink}, short timings. The acting-leader flags of all replicas are
 * sampled continuously: never two at once, and leadership comes back.
 */
class LeaderElectionFaultTest {

  private static final String NS = "bollard-system";
  private static final String LEASE = "bollard-leader";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(2);
  private static final Duration RENEW_DEADLINE = Duration.ofMillis(1500);
  private static final Duration RETRY_PERIOD = Duration.ofMillis(300);
  private static final Duration CONVERGE = Duration.ofSeconds(20);

  private MockCluster cluster;
  private KubernetesClient admin;
  private final List<Replica> replicas = new ArrayList<>();
  private @Nullable Sampler sampler;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    admin = cluster.client();
  }

  @AfterEach
  void stop() throws Exception {
    if (sampler != null) {
      sampler.close();
    }
    for (Replica r : replicas) {
      r.close();
    }
    admin.close();
    cluster.close();
  }

  @Test
  void aPausedLeaderStopsActingByItsOwnClockAndAnotherTakesOver() throws Exception {
    startReplicas(3);
    Replica leader = awaitOneLeader();

    long pausedAt = System.nanoTime();
    leader.link.pause();
    Replica next = awaitLeaderOtherThan(leader);

    // By its own clock: it stopped acting once the renew deadline passed since its last renewal
    // (at the latest when the link paused), whatever the hung call to the API server does.
    assertThat(sampler.lastSeenLeading(leader) - pausedAt)
        .as("nanoseconds %s acted after its API link paused", leader.id)
        .isLessThan(RENEW_DEADLINE.plusMillis(150).toNanos());

    leader.link.resume();
    observeLeaseRequests(20);
    assertThat(actingLeaders()).containsExactly(next);

    // The old leader still contends: when the new one goes, it (or the third) takes over.
    next.close();
    Replica third = awaitLeaderOtherThan(next);
    assertThat(third).isNotNull();
    assertThat(sampler.violations()).as("moments with two acting leaders").isEmpty();
  }

  @Test
  void anApiServerRestartNeverLeavesTwoActingLeadersAndLeadershipComesBack() throws Exception {
    startReplicas(2);
    awaitOneLeader();

    long cutAt = System.nanoTime();
    for (Replica r : replicas) {
      r.link.cut();
    }
    awaitNoLeaderWithinRenewDeadlineOf(cutAt);
    for (Replica r : replicas) {
      r.link.resume();
    }

    assertLeadershipCameBack();
  }

  @Test
  void threeReplicasThroughAKilledAndRestartedApiServer() throws Exception {
    startReplicas(3);
    awaitOneLeader();

    long stoppedAt = System.nanoTime();
    cluster.stop();
    awaitNoLeaderWithinRenewDeadlineOf(stoppedAt);
    cluster.restart();

    assertLeadershipCameBack();
  }

  @Test
  void anApiServerThatHangsThenReturnsNeverLeavesTwoActingLeaders() throws Exception {
    startReplicas(2);
    awaitOneLeader();

    long pausedAt = System.nanoTime();
    for (Replica r : replicas) {
      r.link.pause();
    }
    awaitNoLeaderWithinRenewDeadlineOf(pausedAt);
    for (Replica r : replicas) {
      r.link.resume();
    }

    assertLeadershipCameBack();
  }

  @Test
  void aLeaseReleasedToNoHolderIsTakenOverByExactlyOneReplica() throws Exception {
    // Another replica holds a fresh Lease; then it releases it the way fabric8 does, leaving no
    // holder. Each contender sees the holder change to null.
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    admin.resource(lease("replica-gone", now, 60)).create();
    startReplicas(3);
    observeLeaseRequests(20);
    assertThat(actingLeaders()).isEmpty();

    Lease held = admin.leases().inNamespace(NS).withName(LEASE).get();
    held.getSpec().setHolderIdentity(null);
    held.getSpec().setLeaseDurationSeconds(1);
    admin.resource(held).update();

    Replica leader = awaitOneLeader();
    observeLeaseRequests(20);
    assertThat(actingLeaders()).containsExactly(leader);
    assertThat(holder()).isEqualTo(leader.id);

    // The others still contend.
    leader.close();
    awaitLeaderOtherThan(leader);
    assertThat(sampler.violations()).as("moments with two acting leaders").isEmpty();
  }

  @Test
  void aLeaseTheLibraryCannotReadIsRetriedUntilItCan() throws Exception {
    // A holder without a renew time: fabric8's expiry check fails on it, which ends its elector
    // without completing it. Contention must go on and win once the Lease is readable again.
    Lease broken = lease("replica-gone", ZonedDateTime.now(ZoneOffset.UTC), 60);
    broken.getSpec().setRenewTime(null);
    admin.resource(broken).create();
    startReplicas(2);
    observeLeaseRequests(20);
    assertThat(actingLeaders()).isEmpty();

    Lease fixed = admin.leases().inNamespace(NS).withName(LEASE).get();
    fixed.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(120));
    admin.resource(fixed).update();

    Replica leader = awaitOneLeader();
    assertThat(holder()).isEqualTo(leader.id);
    assertThat(sampler.violations()).as("moments with two acting leaders").isEmpty();
  }

  // --- Replicas, sampling, waiting.

  private void startReplicas(int n) throws Exception {
    int apiPort = URI.create(admin.getConfiguration().getMasterUrl()).getPort();
    for (int i = 0; i < n; i++) {
      replicas.add(new Replica("replica-" + i, new ApiLink(apiPort)));
    }
    sampler = new Sampler(replicas);
    for (Replica r : replicas) {
      r.election.start(new LeaderElection.Listener() {
        @Override
        public void started() {}

        @Override
        public void stopped() {}
      });
    }
  }

  /**
   * After an outage: one replica leads again; 20 Lease requests later it is still the only acting
   * leader and holds the Lease; and there never were two acting leaders at once.
   */
  private void assertLeadershipCameBack() {
    Replica leader = awaitOneLeader();
    observeLeaseRequests(20);
    assertThat(actingLeaders()).containsExactly(leader);
    assertThat(holder()).isEqualTo(leader.id);
    assertThat(sampler.violations()).as("moments with two acting leaders").isEmpty();
  }

  private Replica awaitOneLeader() {
    AtomicReference<Replica> leader = new AtomicReference<>();
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).until(() -> {
      List<Replica> acting = actingLeaders();
      leader.set(acting.size() == 1 ? acting.get(0) : null);
      return leader.get() != null;
    });
    return leader.get();
  }

  private Replica awaitLeaderOtherThan(Replica previous) {
    AtomicReference<Replica> leader = new AtomicReference<>();
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20)).until(() -> {
      List<Replica> acting = actingLeaders();
      leader.set(acting.size() == 1 && acting.get(0) != previous ? acting.get(0) : null);
      return leader.get() != null;
    });
    return leader.get();
  }

  private List<Replica> actingLeaders() {
    return replicas.stream().filter(r -> !r.closed && r.election.isLeader()).toList();
  }

  /**
   * Lets the scenario run, the sampler watching, until the API server has served {@code n} more
   * requests on the Lease (reads, renewals, attempts to take it): a window measured in election
   * rounds, not wall time, so a slow machine lengthens it instead of shortening what it covers.
   */
  private void observeLeaseRequests(int n) {
    long before = leaseRequests();
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
        .until(() -> leaseRequests() >= before + n);
  }

  private long leaseRequests() {
    String path = "/namespaces/" + NS + "/leases/" + LEASE;
    return cluster.requests().stream().filter(r -> r.endsWith(path)).count();
  }

  /**
   * Waits until no replica acts as leader, then checks by the sampler that each stopped within the
   * renew deadline (and a sampling margin) of {@code cutAt}, when its API server went away: by its
   * own clock, whatever its hung or failing calls do.
   */
  private void awaitNoLeaderWithinRenewDeadlineOf(long cutAt) {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
        .until(() -> actingLeaders().isEmpty());
    for (Replica r : replicas) {
      assertThat(sampler.lastSeenLeading(r) - cutAt)
          .as("nanoseconds %s acted after its API server went away", r.id)
          .isLessThan(RENEW_DEADLINE.plusMillis(150).toNanos());
    }
  }

  private @Nullable String holder() {
    Lease lease = admin.leases().inNamespace(NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Lease lease(String holder, ZonedDateTime renewed, int seconds) {
    return new LeaseBuilder()
        .withNewMetadata().withNamespace(NS).withName(LEASE).endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(seconds)
        .withAcquireTime(renewed)
        .withRenewTime(renewed)
        .withLeaseTransitions(0)
        .endSpec()
        .build();
  }

  private final class Replica implements AutoCloseable {
    final String id;
    final ApiLink link;
    final KubernetesClient client;
    final LeaderElection election;
    volatile boolean closed;

    Replica(String id, ApiLink link) {
      this.id = id;
      this.link = link;
      this.client = new KubernetesClientBuilder()
          .withConfig(new ConfigBuilder(admin.getConfiguration()).withMasterUrl(link.url()).build())
          .build();
      this.election = new LeaderElection(client, new LeaderElection.Settings(
          NS, LEASE, id, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD));
    }

    @Override
    public void close() throws Exception {
      if (!closed) {
        closed = true;
        link.resume();
        election.close();
        client.close();
        link.close();
      }
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /** Reads every replica's acting-leader flag every millisecond or so; remembers overlaps. */
  private static final class Sampler implements AutoCloseable {
    private final List<Replica> replicas;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final long[] lastSeenLeading;
    private final Thread thread;
    private volatile boolean running = true;

    Sampler(List<Replica> replicas) {
      this.replicas = List.copyOf(replicas);
      this.lastSeenLeading = new long[replicas.size()];
      this.thread = new Thread(this::run, "leader-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      long start = System.nanoTime();
      while (running) {
        List<String> acting = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
          Replica r = replicas.get(i);
          long before = System.nanoTime();
          if (!r.closed && r.election.isLeader()) {
            acting.add(r.id);
            synchronized (this) {
              lastSeenLeading[i] = before;
            }
          }
        }
        if (acting.size() > 1 && violations.size() < 20) {
          violations.add(acting + " at " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        Thread.onSpinWait();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    synchronized long lastSeenLeading(Replica r) {
      return lastSeenLeading[replicas.indexOf(r)];
    }

    List<String> violations() {
      return violations;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(1000);
    }
  }
}
