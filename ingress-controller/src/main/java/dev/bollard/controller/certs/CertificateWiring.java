package dev.bollard.controller.certs;

import dev.bollard.acme.AccountKeyStorage;
import dev.bollard.acme.AcmeSettings;
import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.acme.CertificateManager;
import dev.bollard.acme.CertificateStorage;
import dev.bollard.acme.ChallengeTokens;
import dev.bollard.acme.ChallengeType;
import dev.bollard.acme.DesiredCertificate;
import dev.bollard.acme.Issuer;
import dev.bollard.acme.Locker;
import dev.bollard.acme.RenewalState;
import dev.bollard.acme.StoredCertificate;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.status.CertificateView;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.metrics.ProxyMetrics;
import dev.bollard.proxy.tls.CertifiedKey;
import dev.bollard.proxy.tls.EdgeTls;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything certificates need in one process: the proxy's {@link EdgeTls} (HTTPS listener,
 * default certificate, challenge answers) and, with ACME on, the {@link CertificateManager} that
 * keeps the {@code tls-acme} entries issued.
 *
 * <p>It hears every published result ({@link #published}) and derives the desired certificates
 * from the snapshot: one per {@code tls-acme} Secret, named {@code namespace/secretName}, for the hosts bound to it
 * (wildcards need DNS-01, which Bollard does not do: they are left out). Standalone, the issued
 * certificates live in {@code --acme-dir} and reach the translator as synthetic Secrets ({@link
 * #issuedSecrets}); in Kubernetes they are written to the Secrets themselves, which the informers
 * see.
 */
public final class CertificateWiring implements SnapshotPublisher.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CertificateWiring.class);

  /**
   * What the process asks of certificates, whatever the source keeps them in.
   *
   * @param tls the HTTPS listener, the default certificate and ACME
   * @param trusted certificates to trust for the ACME server besides the JVM's roots ({@code
   *     --acme-ca-file}: a private CA), else empty
   * @param events more certificate hooks (tests), besides logging and metrics
   * @param clock the time renewals are planned by
   * @param acmePollInterval how often a pending order is polled when the CA sends no Retry-After
   */
  public record Options(TlsConfig tls, List<X509Certificate> trusted, CertificateEvents events,
      Clock clock, Duration acmePollInterval) {

    public Options {
      trusted = List.copyOf(trusted);
    }

    /** {@code tls} with the system's trust and clock, no extra hooks, polling every 2 s. */
    public static Options of(TlsConfig tls) {
      return new Options(tls, List.of(), CertificateEvents.NONE, Clock.systemUTC(),
          Duration.ofSeconds(2));
    }

    /** These options trusting {@code certificates} for the ACME server, besides the JVM's roots. */
    public Options withTrusted(List<X509Certificate> certificates) {
      return new Options(tls, certificates, events, clock, acmePollInterval);
    }
  }

  /** What a failure on an untrusted ACME server says to do. */
  static final String TRUST_ADVICE = "pass --acme-ca-file with the PEM of the CA that signed the"
      + " ACME server's certificate (chart: acme.caFile)";

  private final TlsConfig config;
  private final EdgeTls edge;
  private final @Nullable CertificateManager manager;
  private final @Nullable CertificateStorage storage;
  private final List<AutoCloseable> owned;
  /** Hooks added after construction (metrics, Kubernetes Events); the manager calls them. */
  private final List<CertificateEvents> hooks;
  private final RebuildSignal rebuild;
  private volatile Map<String, DesiredCertificate> desired = Map.of();
  /** The names whose stored certificates a standalone read adds ({@link #issuedSecrets}). */
  private volatile Set<String> readNames = Set.of();
  /** The Ingress that names each desired Secret first, where its Events go. */
  private volatile Map<String, RouteSource> owners = Map.of();
  private volatile @Nullable CertificateMetrics metrics;
  private volatile @Nullable String defaultPem;
  /** Kubernetes watches the default certificate's Secret itself; standalone reads it per rebuild. */
  private volatile boolean defaultWatched;
  private final CertificateReport report;
  /** The stored order history of a certificate, read on the rebuild thread. */
  private volatile BiFunction<ResourceStore, String, Optional<RenewalState>> history =
      (store, name) -> Optional.empty();

  private CertificateWiring(TlsConfig config, EdgeTls edge, @Nullable CertificateManager manager,
      @Nullable CertificateStorage storage, List<AutoCloseable> owned,
      List<CertificateEvents> hooks, RebuildSignal rebuild) {
    this.rebuild = rebuild;
    this.config = config;
    this.edge = edge;
    this.manager = manager;
    this.storage = storage;
    this.owned = owned;
    this.hooks = hooks;
    this.report = new CertificateReport(Clock.systemUTC());
    hooks.add(report);
  }

  /**
   * Standalone: certificates and the account key in {@code --acme-dir}, this process's lock and
   * challenge answers.
   */
  public static CertificateWiring standalone(Options options) {
    TlsConfig config = options.tls();
    if (!config.acmeEnabled()) {
      return new CertificateWiring(config, edge(config, null), null, null, List.of(),
          new CopyOnWriteArrayList<>(), new RebuildSignal());
    }
    Path dir = config.acmeDir();
    if (dir == null) {
      throw new IllegalArgumentException(
          "--acme-directory needs --acme-dir DIR in standalone mode (where certificates and the"
              + " ACME account key are kept)");
    }
    ChallengeTokens tokens = ChallengeTokens.inMemory();
    CertificateStorage storage = CertificateStorage.directory(dir.resolve("certificates"));
    CertificateWiring wiring = managed(options, tokens, storage,
        AccountKeyStorage.file(dir.resolve("account.pem")), Locker.inProcess(), List.of());
    wiring.history = (store, name) -> {
      try {
        return storage.load(name).map(StoredCertificate::renewal);
      } catch (IOException e) {
        return Optional.empty();
      }
    };
    return wiring;
  }

  /**
   * Kubernetes: certificates in their Secrets, the account key in {@code --acme-account-secret},
   * orders only on the Lease leader, challenge answers in a ConfigMap every replica watches.
   */
  public static CertificateWiring kubernetes(Options options, KubernetesClient client,
      String ownNamespace, BooleanSupplier leader) {
    TlsConfig config = options.tls();
    List<AutoCloseable> owned = new ArrayList<>();
    CertificateWiring wiring;
    if (!config.acmeEnabled()) {
      wiring = new CertificateWiring(config, edge(config, null), null, null, owned,
          new CopyOnWriteArrayList<>(), new RebuildSignal());
    } else {
      ConfigMapChallengeTokens tokens =
          ConfigMapChallengeTokens.start(client, ownNamespace, config.challengesConfigMap());
      owned.add(tokens);
      String[] account = split(config.acmeAccountSecret(), ownNamespace);
      wiring = managed(options, tokens, new SecretCertificateStorage(client),
          new SecretAccountKeyStorage(client, account[0], account[1]), new LeaderLocker(leader),
          owned);
      // Every replica reads the history from its informer's copy, not from the API server.
      wiring.history = (store, name) -> {
        String[] parts = split(name, ResourceStore.DEFAULT_NAMESPACE);
        return store.secret(parts[0], parts[1]).map(secret ->
            SecretCertificateStorage.renewal(SecretCertificateStorage.annotations(secret)));
      };
    }
    String defaultSecret = config.defaultCertificate();
    if (defaultSecret != null) {
      wiring.defaultWatched = true;
      String[] name = split(defaultSecret, ownNamespace);
      owned.add(client.secrets().inNamespace(name[0]).withName(name[1]).inform(
          new io.fabric8.kubernetes.client.informers.ResourceEventHandler<Secret>() {
            @Override
            public void onAdd(Secret secret) {
              wiring.applyDefault(secret);
            }

            @Override
            public void onUpdate(Secret before, Secret after) {
              wiring.applyDefault(after);
            }

            @Override
            public void onDelete(Secret secret, boolean unknownFinalState) {
              log.warn("Default certificate Secret {} deleted; keeping the certificate in use",
                  defaultSecret);
            }
          })::stop);
    }
    return wiring;
  }

  private static CertificateWiring managed(Options options, ChallengeTokens tokens,
      CertificateStorage storage, AccountKeyStorage accountKeys, Locker locker,
      List<AutoCloseable> owned) {
    TlsConfig config = options.tls();
    List<ChallengeType> challengeTypes = config.challengeTypes();
    AcmeSettings.Builder settings = AcmeSettings.builder(Objects.requireNonNull(
        config.acmeDirectory(), "acmeDirectory")).contactEmail(config.acmeEmail())
        .trustedCertificates(options.trusted()).trustAdvice(TRUST_ADVICE)
        .pollInterval(options.acmePollInterval());
    if (!challengeTypes.isEmpty()) {
      settings.challengeTypes(challengeTypes);
    }
    RebuildSignal rebuild = new RebuildSignal();
    List<CertificateEvents> hooks = new CopyOnWriteArrayList<>(List.of(options.events()));
    CertificateManager manager = CertificateManager.builder(
            Issuer.acme(settings.build(), accountKeys, tokens), storage, locker)
        .clock(options.clock())
        .renewWhenRemaining(config.renewWhenRemaining())
        .events(new RebuildOnIssue(new Fanout(hooks), rebuild))
        .build();
    return new CertificateWiring(config, edge(config, tokens), manager, storage, owned, hooks,
        rebuild);
  }

  private static EdgeTls edge(TlsConfig config, @Nullable ChallengeTokens tokens) {
    EdgeTls.Builder builder = EdgeTls.builder().https(config.httpsListen())
        .redirectPort(config.redirectPort());
    if (tokens != null) {
      builder.http01(ChallengeAnswers.http01(tokens)).tlsAlpn01(ChallengeAnswers.tlsAlpn01(tokens));
    }
    return builder.build();
  }

  /** The proxy's TLS edge. */
  public EdgeTls edge() {
    return edge;
  }

  /** The manager, when ACME is on. */
  public Optional<CertificateManager> manager() {
    return Optional.ofNullable(manager);
  }

  /** What to call when stored certificates changed and a rebuild should pick them up. */
  public void onRebuildNeeded(Runnable requestRebuild) {
    rebuild.target = Objects.requireNonNull(requestRebuild, "requestRebuild");
  }

  /**
   * Feeds {@code proxyMetrics}: orders by result, and after each rebuild the expiry of every
   * certificate served. Call once, before {@link #start}.
   */
  public void observe(ProxyMetrics proxyMetrics) {
    CertificateMetrics observer = new CertificateMetrics(proxyMetrics);
    metrics = observer;
    hooks.add(observer);
  }

  /**
   * Records orders as Kubernetes Events on the Ingress naming the Secret (issued, and failures
   * deduplicated by error). Call once, before {@link #start}.
   */
  public void recordEvents(EventRecorder recorder) {
    hooks.add(new CertificateEventRecorder(recorder, this::objectOf));
  }

  private RouteSource objectOf(String name) {
    RouteSource owner = owners.get(name);
    if (owner != null) {
      return owner;
    }
    String[] parts = split(name, ResourceStore.DEFAULT_NAMESPACE);
    return new RouteSource("Secret", parts[0], parts[1]);
  }

  /** Starts ordering (a no-op without ACME). */
  public void start() {
    if (manager != null) {
      manager.start();
    }
  }

  /**
   * Checks the desired certificates now rather than at the next interval: a replica that just
   * became leader takes over what the previous one left due.
   */
  public void checkNow() {
    if (manager != null) {
      manager.setDesired(desired.values());
    }
  }

  /** After each rebuild: the desired certificates, and standalone the default certificate. */
  @Override
  public void published(Publication publication) {
    rebuilt(publication.store(), publication.result().snapshot());
  }

  private void rebuilt(ResourceStore store, RoutingSnapshot snapshot) {
    String defaultSecret = config.defaultCertificate();
    if (defaultSecret != null && !defaultWatched) {
      String[] name = split(defaultSecret, ResourceStore.DEFAULT_NAMESPACE);
      store.secret(name[0], name[1]).ifPresentOrElse(this::applyDefault,
          () -> log.warn("Default certificate Secret {} not found; serving a generated one",
              defaultSecret));
    }
    CertificateMetrics observer = metrics;
    if (observer != null) {
      observer.served(snapshot.tls());
    }
    if (manager == null) {
      report.rebuilt(snapshot.tls(), Set.of(), name -> Optional.empty(), name -> name,
          defaultForReport());
      return;
    }
    Map<String, RouteSource> ownerOf = new TreeMap<>();
    Map<String, DesiredCertificate> next = desiredOf(snapshot, ownerOf, true);
    owners = Map.copyOf(ownerOf);
    CertificateStorage kept = Objects.requireNonNull(storage, "storage");
    report.rebuilt(snapshot.tls(), next.keySet(), name -> history.apply(store, name),
        kept::location, defaultForReport());
    if (!next.equals(desired)) {
      desired = Map.copyOf(next);
      manager.setDesired(next.values());
    }
  }

  /**
   * Asked before {@code snapshot} is published: whether certificates stored by an earlier run
   * (standalone, in {@code --acme-dir}) exist for {@code tls-acme} Secrets it names that the read
   * it came from did not carry. Then the source should be read again: {@link #issuedSecrets} now
   * adds them, so they are served from the first snapshot that names them, not from the next one.
   * Always false in Kubernetes, where they are real Secrets.
   */
  public boolean readAgain(RoutingSnapshot snapshot) {
    CertificateStorage files = storage;
    if (files == null || files instanceof SecretCertificateStorage) {
      return false;
    }
    Set<String> names = desiredOf(snapshot, new TreeMap<>(), false).keySet();
    Set<String> before = readNames;
    readNames = Set.copyOf(names);
    for (String name : names) {
      if (!before.contains(name) && storedCertificate(files, name).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** One desired certificate per {@code tls-acme} Secret of {@code snapshot}, wildcards left out. */
  private static Map<String, DesiredCertificate> desiredOf(RoutingSnapshot snapshot,
      Map<String, RouteSource> ownerOf, boolean warn) {
    Map<String, Set<String>> hostsBySecret = new TreeMap<>();
    for (TlsBinding binding : snapshot.tls().bindings()) {
      if (!binding.acme() || binding.secret().endsWith("/")) {
        continue;
      }
      ownerOf.putIfAbsent(binding.secret(), binding.source());
      for (String host : binding.hosts()) {
        if (!host.startsWith("*.")) {
          hostsBySecret.computeIfAbsent(binding.secret(), s -> new TreeSet<>()).add(host);
        } else if (warn) {
          log.warn("{}: {} is a wildcard; ACME HTTP-01 and TLS-ALPN-01 cannot validate it,"
              + " so Bollard does not order it", binding.source(), host);
        }
      }
    }
    Map<String, DesiredCertificate> next = new TreeMap<>();
    hostsBySecret.forEach((secret, hosts) -> next.put(secret, new DesiredCertificate(secret, hosts)));
    return next;
  }

  private static Optional<CertificateBundle> storedCertificate(CertificateStorage files,
      String name) {
    try {
      return files.load(name).flatMap(StoredCertificate::certificate);
    } catch (IOException e) {
      log.warn("Cannot read stored certificate {}: {}", name, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The certificates for the status page: every Secret the HTTPS listener binds and the default
   * certificate, with the order history of the ones ordered by ACME. Never key material.
   */
  public List<CertificateView> certificates() {
    return report.view();
  }

  private CertificateReport.@Nullable Default defaultForReport() {
    try {
      String secret = config.defaultCertificate();
      return new CertificateReport.Default(edge.defaultCertificate().leaf(),
          secret != null && defaultPem != null ? "Secret " + secret : "generated");
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * The certificates stored for the desired names as {@code kubernetes.io/tls} Secrets, to add to
   * a standalone store (empty in Kubernetes, where they are real Secrets).
   */
  public List<Secret> issuedSecrets() {
    CertificateStorage files = storage;
    if (files == null || files instanceof SecretCertificateStorage) {
      return List.of();
    }
    List<Secret> out = new ArrayList<>();
    for (String name : new TreeSet<>(readNames)) {
      storedCertificate(files, name).ifPresent(bundle -> {
        String[] parts = split(name, ResourceStore.DEFAULT_NAMESPACE);
        out.add(new SecretBuilder().withNewMetadata().withNamespace(parts[0])
            .withName(parts[1]).endMetadata().withType("kubernetes.io/tls")
            .withStringData(Map.of("tls.crt", bundle.chainPem(), "tls.key",
                bundle.privateKeyPem()))
            .build());
      });
    }
    return out;
  }

  private void applyDefault(Secret secret) {
    String chain = SecretCertificateStorage.data(secret, "tls.crt");
    String key = SecretCertificateStorage.data(secret, "tls.key");
    String pem = chain + "\n" + key;
    if (pem.equals(defaultPem)) {
      return;
    }
    try {
      edge.setDefaultCertificate(CertifiedKey.parse(chain, key));
      defaultPem = pem;
      log.info("Default certificate from Secret {}", config.defaultCertificate());
    } catch (IllegalArgumentException e) {
      log.warn("Default certificate Secret {}: {}; serving the previous default certificate",
          config.defaultCertificate(), e.getMessage());
    }
  }

  static String[] split(String namespacedName, String defaultNamespace) {
    int slash = namespacedName.indexOf('/');
    return slash < 0
        ? new String[] {defaultNamespace, namespacedName}
        : new String[] {namespacedName.substring(0, slash), namespacedName.substring(slash + 1)};
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close();
    }
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        log.debug("Closing {}: {}", resource, e.toString());
      }
    }
  }

  /**
   * Asks for a rebuild once the process has a scheduler: the manager, built before it, holds this
   * and {@link #onRebuildNeeded} points it at the scheduler.
   */
  private static final class RebuildSignal implements Runnable {
    private volatile Runnable target = () -> {};

    @Override
    public void run() {
      target.run();
    }
  }

  /** Hands each event to every hook; one failing hook does not keep the others from theirs. */
  private record Fanout(List<CertificateEvents> hooks) implements CertificateEvents {
    @Override
    public void issued(String name, CertificateBundle bundle, OrderReason reason) {
      for (CertificateEvents hook : hooks) {
        try {
          hook.issued(name, bundle, reason);
        } catch (RuntimeException e) {
          log.warn("Certificate hook {} failed: {}", hook, e.toString());
        }
      }
    }

    @Override
    public void failed(String name, Set<String> hosts, OrderReason reason, String error,
        int failures, Instant nextAttempt) {
      for (CertificateEvents hook : hooks) {
        try {
          hook.failed(name, hosts, reason, error, failures, nextAttempt);
        } catch (RuntimeException e) {
          log.warn("Certificate hook {} failed: {}", hook, e.toString());
        }
      }
    }
  }
}
