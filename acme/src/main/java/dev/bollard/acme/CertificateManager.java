package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import dev.bollard.acme.CertificateEvents.OrderReason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the desired certificates issued and renewed.
 *
 * <p>Each pass (on its own scheduler thread, every {@code checkInterval} and right after {@link
 * #setDesired}) first scans storage without any lock and decides what is due: missing, hosts
 * changed, or renewal due (a configurable fraction of the lifetime left, or earlier inside the CA's
 * renewal window). Only if something is due does it take the {@link Locker} lock, then re-reads
 * each entry (another replica may have just stored it) and orders what is still due, one at a time.
 * Failures back off exponentially; the backoff is written to storage with the certificate, so a
 * restarted or different replica honours it. A renewal never removes the old certificate: it keeps
 * serving until {@link CertificateStorage#storeCertificate} replaces it.
 *
 * <p>Time comes from the injected {@link Clock}, so tests drive renewal and backoff with a fake one
 * and call {@link #runOnce()} directly.
 */
public final class CertificateManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);

  private final Issuer issuer;
  private final CertificateStorage storage;
  private final Locker locker;
  private final Clock clock;
  private final RenewalPolicy policy;
  private final Duration checkInterval;
  private final Duration renewalInfoRefresh;
  private final String lockName;
  private final CertificateEvents events;
  private final ReentrantLock passLock = new ReentrantLock();
  private final Map<String, CachedWindow> renewalWindows = new ConcurrentHashMap<>();
  private volatile Map<String, DesiredCertificate> desired = Map.of();
  private @Nullable ScheduledExecutorService scheduler;

  private CertificateManager(Builder builder) {
    this.issuer = builder.issuer;
    this.storage = builder.storage;
    this.locker = builder.locker;
    this.clock = builder.clock;
    this.policy =
        new RenewalPolicy(builder.renewFraction, builder.initialBackoff, builder.maxBackoff);
    this.checkInterval = builder.checkInterval;
    this.renewalInfoRefresh = builder.renewalInfoRefresh;
    this.lockName = builder.lockName;
    this.events = builder.events;
  }

  /** Starts a manager; nothing runs until {@link #start()} or {@link #runOnce()}. */
  public static Builder builder(Issuer issuer, CertificateStorage storage, Locker locker) {
    return new Builder(issuer, storage, locker);
  }

  /**
   * Replaces the set of certificates to keep; a started manager checks them right away.
   *
   * @throws IllegalArgumentException if two entries share a name with different hosts
   */
  public void setDesired(Collection<DesiredCertificate> certificates) {
    requireNonNull(certificates, "certificates");
    var byName = new TreeMap<String, DesiredCertificate>();
    for (DesiredCertificate certificate : certificates) {
      DesiredCertificate previous = byName.put(certificate.name(), certificate);
      if (previous != null && !previous.equals(certificate)) {
        throw new IllegalArgumentException(
            "certificates: '"
                + certificate.name()
                + "' named twice, for "
                + previous.hosts()
                + " and "
                + certificate.hosts()
                + " (expected: one host set per name)");
      }
    }
    desired = Map.copyOf(byName);
    renewalWindows.keySet().retainAll(byName.keySet());
    ScheduledExecutorService running = scheduler;
    if (running != null && !running.isShutdown()) {
      running.execute(this::runSafely);
    }
  }

  /** Starts the scheduler thread; idempotent. */
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "bollard-acme");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        this::runSafely, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    scheduler = executor;
  }

  /** Stops the scheduler, interrupting an order in flight (it is not recorded as a failure). */
  @Override
  public synchronized void close() {
    ScheduledExecutorService executor = scheduler;
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.error("Certificate check failed unexpectedly; retrying in {}", checkInterval, e);
    }
  }

  /**
   * Runs one pass synchronously: scan, and if anything is due, lock, re-check and order.
   *
   * @return what the pass did
   */
  public PassResult runOnce() {
    passLock.lock();
    try {
      return pass();
    } finally {
      passLock.unlock();
    }
  }

  private PassResult pass() {
    Instant now = clock.instant();
    Map<String, DesiredCertificate> current = desired;
    Map<String, OrderReason> due = scan(current, now);
    boolean refreshWindows = current.keySet().stream().anyMatch(name -> windowStale(name, now));
    if (due.isEmpty() && !refreshWindows) {
      return PassResult.idle();
    }
    Optional<Locker.Lock> acquired = locker.tryAcquire(lockName);
    if (acquired.isEmpty()) {
      log.debug(
          "Lock {} held elsewhere; {} certificate(s) left to its holder", lockName, due.size());
      return new PassResult(due.keySet(), Set.of(), Set.of(), true);
    }
    var issued = new TreeSet<String>();
    var failed = new TreeSet<String>();
    var ordered = new TreeSet<String>();
    try (Locker.Lock lock = acquired.get()) {
      for (DesiredCertificate certificate : current.values()) {
        if (!lock.isHeld() || Thread.currentThread().isInterrupted()) {
          log.warn("Lost lock {}; stopping orders for this pass", lockName);
          break;
        }
        // Re-read under the lock: another replica may have ordered it between our scan and now.
        Optional<OrderReason> reason = dueUnderLock(certificate, clock.instant());
        if (reason.isEmpty()) {
          continue;
        }
        ordered.add(certificate.name());
        if (order(certificate, reason.get())) {
          issued.add(certificate.name());
        } else {
          failed.add(certificate.name());
        }
      }
    }
    return new PassResult(ordered, issued, failed, false);
  }

  private Map<String, OrderReason> scan(Map<String, DesiredCertificate> current, Instant now) {
    var due = new LinkedHashMap<String, OrderReason>();
    for (DesiredCertificate certificate : current.values()) {
      try {
        Optional<StoredCertificate> stored = storage.load(certificate.name());
        if (stored.isPresent() && stored.get().renewal().backingOff(now, issuer.fingerprint())) {
          continue;
        }
        @Nullable CertificateBundle bundle =
            stored.flatMap(StoredCertificate::certificate).orElse(null);
        policy
            .reason(certificate, bundle, now, cachedWindow(certificate.name(), bundle))
            .ifPresent(reason -> due.put(certificate.name(), reason));
      } catch (IOException e) {
        log.warn(
            "Cannot read certificate {} for {}: {}",
            certificate.name(),
            Hosts.describe(certificate.hosts()),
            e.getMessage());
      }
    }
    return due;
  }

  private Optional<OrderReason> dueUnderLock(DesiredCertificate certificate, Instant now) {
    try {
      Optional<StoredCertificate> stored = storage.load(certificate.name());
      @Nullable CertificateBundle bundle =
          stored.flatMap(StoredCertificate::certificate).orElse(null);
      if (windowStale(certificate.name(), now)) {
        // Only the lock holder asks the CA, so replicas in standby never touch the account.
        renewalWindows.put(
            certificate.name(),
            bundle == null
                ? new CachedWindow("", Optional.empty(), now)
                : new CachedWindow(bundle.chainPem(), issuer.renewalWindow(bundle), now));
      }
      if (stored.isPresent() && stored.get().renewal().backingOff(now, issuer.fingerprint())) {
        log.debug(
            "Certificate {} for {} backing off until {}",
            certificate.name(),
            Hosts.describe(certificate.hosts()),
            stored.get().renewal().nextAttempt());
        return Optional.empty();
      }
      return policy.reason(certificate, bundle, now, cachedWindow(certificate.name(), bundle));
    } catch (IOException e) {
      log.warn(
          "Cannot read certificate {} for {}: {}",
          certificate.name(),
          Hosts.describe(certificate.hosts()),
          e.getMessage());
      return Optional.empty();
    }
  }

  private boolean order(DesiredCertificate certificate, OrderReason reason) {
    String name = certificate.name();
    String hosts = Hosts.describe(certificate.hosts());
    RenewalState previous;
    @Nullable CertificateBundle replacing;
    try {
      Optional<StoredCertificate> stored = storage.load(name);
      // Failures met with another CA or trust do not count against this one.
      previous =
          stored
              .map(StoredCertificate::renewal)
              .orElse(RenewalState.NONE)
              .forIssuer(issuer.fingerprint());
      replacing = stored.flatMap(StoredCertificate::certificate).orElse(null);
    } catch (IOException e) {
      log.warn("Cannot read certificate {} for {}: {}", name, hosts, e.getMessage());
      return false;
    }
    Instant attempt = clock.instant();
    log.info("Ordering certificate {} for {} ({})", name, hosts, reason);
    try {
      CertificateBundle bundle = issuer.issue(name, certificate.hosts(), replacing);
      storage.storeCertificate(name, bundle, RenewalState.succeeded(attempt));
      renewalWindows.remove(name);
      log.info("Stored certificate {} for {}, valid until {}", name, hosts, bundle.notAfter());
      events.issued(name, bundle, reason);
      return true;
    } catch (IssuanceException e) {
      if (Thread.currentThread().isInterrupted()) {
        log.info("Order for certificate {} ({}) interrupted by shutdown", name, hosts);
        return false;
      }
      Instant now = clock.instant();
      int failures = previous.failures() + 1;
      Instant next = policy.nextAttempt(now, failures, e.retryAfter());
      RenewalState failedState = previous.failed(attempt, next, e.getMessage());
      log.warn(
          "Order for certificate {} ({}) failed ({} in a row{}), next attempt at {}: {}",
          name,
          hosts,
          failures,
          e.rateLimited() ? ", rate limited" : "",
          next,
          e.getMessage());
      record(name, hosts, failedState);
      events.failed(name, certificate.hosts(), reason, e.getMessage(), failures, next);
      return false;
    } catch (RuntimeException e) {
      // A bug or an unexpected library failure: back off like any failure rather than retry every
      // pass.
      log.error("Order for certificate {} ({}) failed unexpectedly", name, hosts, e);
      Instant next = policy.nextAttempt(clock.instant(), previous.failures() + 1, Optional.empty());
      record(name, hosts, previous.failed(attempt, next, "unexpected: " + e));
      events.failed(
          name, certificate.hosts(), reason, "unexpected: " + e, previous.failures() + 1, next);
      return false;
    } catch (IOException e) {
      log.error(
          "Certificate {} for {} was issued but cannot be stored: {}", name, hosts, e.getMessage());
      record(
          name,
          hosts,
          previous.failed(
              attempt,
              policy.nextAttempt(clock.instant(), previous.failures() + 1, Optional.empty()),
              "storing failed: " + e.getMessage()));
      return false;
    }
  }

  private void record(String name, String hosts, RenewalState state) {
    try {
      storage.storeAttempt(name, state);
    } catch (IOException e) {
      log.error(
          "Cannot record the failed order of certificate {} for {}: {}",
          name,
          hosts,
          e.getMessage());
    }
  }

  private boolean windowStale(String name, Instant now) {
    CachedWindow cached = renewalWindows.get(name);
    return cached == null || !now.isBefore(cached.fetchedAt().plus(renewalInfoRefresh));
  }

  private Optional<RenewalWindow> cachedWindow(String name, @Nullable CertificateBundle bundle) {
    CachedWindow cached = renewalWindows.get(name);
    if (cached == null || bundle == null || !cached.chainPem().equals(bundle.chainPem())) {
      return Optional.empty();
    }
    return cached.window();
  }

  private record CachedWindow(String chainPem, Optional<RenewalWindow> window, Instant fetchedAt) {}

  /**
   * What one pass did.
   *
   * @param ordered names that were due (and, unless {@code lockBusy}, ordered)
   * @param issued names issued and stored
   * @param failed names whose order failed and now back off
   * @param lockBusy true if something was due but another holder had the lock
   */
  public record PassResult(
      Set<String> ordered, Set<String> issued, Set<String> failed, boolean lockBusy) {
    /** Copies the sets. */
    public PassResult {
      ordered = Set.copyOf(ordered);
      issued = Set.copyOf(issued);
      failed = Set.copyOf(failed);
    }

    static PassResult idle() {
      return new PassResult(Set.of(), Set.of(), Set.of(), false);
    }
  }

  /** Builder for {@link CertificateManager}. */
  public static final class Builder {
    private final Issuer issuer;
    private final CertificateStorage storage;
    private final Locker locker;
    private Clock clock = Clock.systemUTC();
    private double renewFraction = 1.0 / 3;
    private Duration initialBackoff = Duration.ofMinutes(5);
    private Duration maxBackoff = Duration.ofHours(24);
    private Duration checkInterval = Duration.ofMinutes(1);
    private Duration renewalInfoRefresh = Duration.ofHours(6);
    private String lockName = "bollard-acme";
    private CertificateEvents events = CertificateEvents.NONE;

    private Builder(Issuer issuer, CertificateStorage storage, Locker locker) {
      this.issuer = requireNonNull(issuer, "issuer");
      this.storage = requireNonNull(storage, "storage");
      this.locker = requireNonNull(locker, "locker");
    }

    /** The time source for renewal and backoff decisions; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Renew when this fraction of the lifetime remains; default 1/3. */
    public Builder renewWhenRemaining(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException(
            "fraction: " + fraction + " (expected: between 0 and 1, exclusive)");
      }
      this.renewFraction = fraction;
      return this;
    }

    /**
     * Backoff after the first failure, doubling per further failure up to {@code max}; default 5
     * min, 24 h.
     */
    public Builder backoff(Duration initial, Duration max) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff: " + initial + ".." + max + " (expected: initial > 0 and max >= initial)");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How often the scheduler checks; default 1 min. */
    public Builder checkInterval(Duration checkInterval) {
      requireNonNull(checkInterval, "checkInterval");
      if (checkInterval.toMillis() <= 0) {
        throw new IllegalArgumentException(
            "checkInterval: " + checkInterval + " (expected: >= 1 ms)");
      }
      this.checkInterval = checkInterval;
      return this;
    }

    /** How long the CA's renewal window stays cached per certificate; default 6 h. */
    public Builder renewalInfoRefresh(Duration refresh) {
      requireNonNull(refresh, "refresh");
      if (refresh.isNegative() || refresh.isZero()) {
        throw new IllegalArgumentException("renewalInfoRefresh: " + refresh + " (expected: > 0)");
      }
      this.renewalInfoRefresh = refresh;
      return this;
    }

    /** The {@link Locker} name every replica uses; default {@code bollard-acme}. */
    public Builder lockName(String lockName) {
      requireNonNull(lockName, "lockName");
      if (lockName.isBlank()) {
        throw new IllegalArgumentException("lockName: blank (expected: a lock name)");
      }
      this.lockName = lockName;
      return this;
    }

    /** Hooks for events and metrics; default none. */
    public Builder events(CertificateEvents events) {
      this.events = requireNonNull(events, "events");
      return this;
    }

    /** Builds the manager (not started). */
    public CertificateManager build() {
      return new CertificateManager(this);
    }
  }
}
