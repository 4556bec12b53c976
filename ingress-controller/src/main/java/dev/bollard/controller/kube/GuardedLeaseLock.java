package dev.bollard.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Lease lock one fabric8 {@code LeaderElector} works through, and what the elector itself
 * does not tell: each successful write naming this replica is stamped on the {@link
 * RenewalClock}; each call's start and end are noted, so a silent elector can be told from a busy
 * one; and once {@link #retire() retired} (its elector was replaced) it touches the API no more,
 * so a late call of an abandoned elector cannot release or renew the Lease under the next one.
 * Any failure reaches the elector as a {@link KubernetesClientException}, the one kind it retries.
 */
final class GuardedLeaseLock implements Lock {

  private final Lock delegate;
  private final RenewalClock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long lastActivity;
  private volatile long readStartedAt;
  private volatile boolean retired;

  GuardedLeaseLock(Lock delegate, RenewalClock clock) {
    this.delegate = delegate;
    this.clock = clock;
    this.lastActivity = clock.now();
  }

  @Override
  public @Nullable LeaderElectionRecord get(KubernetesClient client) {
    long started = clock.now();
    LeaderElectionRecord record = call(() -> delegate.get(client));
    readStartedAt = started;
    return record;
  }

  @Override
  public void create(KubernetesClient client, LeaderElectionRecord record) {
    long basedOn = readStartedAt;
    call(() -> {
      delegate.create(client, record);
      return null;
    });
    stampIfOurs(record, basedOn);
  }

  @Override
  public void update(KubernetesClient client, LeaderElectionRecord record) {
    long basedOn = readStartedAt;
    call(() -> {
      delegate.update(client, record);
      return null;
    });
    stampIfOurs(record, basedOn);
  }

  private void stampIfOurs(LeaderElectionRecord record, long basedOn) {
    // The elector computed the record's renew time just before the read this write is based on.
    if (!retired && identity().equals(record.getHolderIdentity())) {
      clock.renewed(basedOn);
    }
  }

  private <T> T call(Supplier<T> apiCall) {
    if (retired) {
      throw new KubernetesClientException(
          "Lease " + describe() + ": this elector was replaced; it no longer touches the Lease");
    }
    inFlight.incrementAndGet();
    lastActivity = clock.now();
    try {
      return apiCall.get();
    } catch (KubernetesClientException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KubernetesClientException("Lease " + describe() + ": " + e, e);
    } finally {
      lastActivity = clock.now();
      inFlight.decrementAndGet();
    }
  }

  @Override
  public String identity() {
    return delegate.identity();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  /** Whether no call has started or ended for {@code quiet}, with none under way. */
  boolean silentFor(Duration quiet) {
    return inFlight.get() == 0 && clock.now() - lastActivity > quiet.toNanos();
  }

  /** From now on, every call fails without reaching the API. */
  void retire() {
    retired = true;
  }

  /**
   * Writes the Lease free (no holder, as fabric8 releases it) if it still names this replica, so
   * another replica need not wait for it to expire. Works on a retired lock: only the owner of the
   * lock calls this, after its elector stopped.
   */
  boolean release(KubernetesClient client) {
    retired = true;
    LeaderElectionRecord current = delegate.get(client);
    if (current == null || !identity().equals(current.getHolderIdentity())) {
      return false;
    }
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    delegate.update(client, new LeaderElectionRecord(
        null, Duration.ofSeconds(1), now, now, current.getLeaderTransitions()));
    return true;
  }
}
