package dev.bollard.controller.cli;

import dev.bollard.acme.CertificateEvents;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.kube.EventRecorder;
import dev.bollard.controller.kube.IngressStatusWriter;
import dev.bollard.controller.kube.KubernetesSource;
import dev.bollard.controller.kube.LeaderElection;
import dev.bollard.controller.kube.ProblemEvents;
import dev.bollard.controller.publish.RebuildPipeline;
import dev.bollard.controller.publish.RebuildScheduler;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.settings.ConfigValidation;
import dev.bollard.controller.settings.ConfigVersion;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.proxy.admin.AdminServer;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Bollard process following a cluster: informers → {@link RebuildScheduler} → {@link
 * RebuildPipeline} → {@link CurrentRoutes}, with leader-only Ingress status and Events.
 *
 * <p>Start order: admin listener (not ready), proxy listener (serves nothing until the first
 * snapshot; readiness keeps traffic away), informers; once every informer has synced, the first
 * rebuild publishes and readiness turns true, and the replica starts contending for the Lease.
 * When the API server goes away the informers retry and the last snapshot keeps serving.
 */
public final class KubernetesRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesRuntime.class);

  private final CurrentRoutes routes;
  private final ControllerStatus status;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final LeaderElection election;
  private final Deque<AutoCloseable> resources;
  private final AtomicBoolean draining;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KubernetesRuntime(
      CurrentRoutes routes,
      ControllerStatus status,
      ProxyServer proxy,
      AdminServer admin,
      LeaderElection election,
      Deque<AutoCloseable> resources,
      AtomicBoolean draining) {
    this.routes = routes;
    this.status = status;
    this.proxy = proxy;
    this.admin = admin;
    this.election = election;
    this.resources = resources;
    this.draining = draining;
  }

  /**
   * Starts everything and returns without waiting for the informers to sync.
   *
   * @param client the API client; closed with the runtime
   */
  public static KubernetesRuntime start(KubernetesSettings settings, KubernetesClient client)
      throws InterruptedException {
    return start(settings, client, AccessLogOptions.OFF);
  }

  /** Starts everything with an access log as the flags say. */
  static KubernetesRuntime start(
      KubernetesSettings settings, KubernetesClient client, AccessLogOptions accessLog)
      throws InterruptedException {
    return start(settings, client, accessLog,
        TlsConfig.httpsOnly(new InetSocketAddress(settings.server().bind().getAddress(), 0)));
  }

  /** Starts everything, with the HTTPS listener and ACME as {@code tls} says. */
  static KubernetesRuntime start(KubernetesSettings settings, KubernetesClient client,
      AccessLogOptions accessLog, TlsConfig tls) throws InterruptedException {
    return start(settings, client, accessLog, tls, List.of(), CertificateEvents.NONE);
  }

  /**
   * Starts everything; {@code trusted} are extra trust anchors for the ACME server (tests with a
   * private CA) and {@code certificateEvents} more hooks on orders.
   */
  static KubernetesRuntime start(KubernetesSettings settings, KubernetesClient client,
      AccessLogOptions accessLog, TlsConfig tls, List<X509Certificate> trusted,
      CertificateEvents certificateEvents) throws InterruptedException {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    started.push(client);
    try {
      // Early in, late out: the access log closes after the proxy has drained.
      Observability obs = Observability.start(accessLog);
      started.push(obs);
      CurrentRoutes routes = new CurrentRoutes();
      AtomicBoolean draining = new AtomicBoolean();
      ControllerStatus status = new ControllerStatus("kubernetes");
      AdminServer admin =
          AdminServer.start(
              settings.adminListen(),
              () -> routes.isPublished() && !draining.get(),
              status::toJson,
              obs.scrape());
      started.push(admin);

      ExecutorService writer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "bollard-kube-writer");
                t.setDaemon(true);
                return t;
              });
      started.push(
          () -> {
            writer.shutdown();
            writer.awaitTermination(2, TimeUnit.SECONDS);
          });

      RebuildScheduler[] scheduler = new RebuildScheduler[1];
      CertificateWiring[] certs = new CertificateWiring[1];
      LeaderElection election =
          new LeaderElection(
              client,
              settings.election(),
              new LeaderElection.Listener() {
                @Override
                public void started() {
                  status.leader(true);
                  // A new leader writes status and Events for the world as it is now.
                  scheduler[0].requestRebuild();
                  // ... and takes over the certificates the previous one left due.
                  certs[0].checkNow();
                }

                @Override
                public void stopped() {
                  status.leader(false);
                }
              });
      EventRecorder events =
          new EventRecorder(client, writer, election::isLeader, settings.election().identity());
      // Orders only on the Lease leader; every replica serves and answers challenges.
      certs[0] = CertificateWiring.kubernetes(tls, client, settings.election().namespace(),
          election::isLeader, trusted, certificateEvents, Clock.systemUTC());
      started.push(certs[0]);
      certs[0].observe(obs.metrics());
      certs[0].recordEvents(events);
      ProblemEvents problemEvents = new ProblemEvents(events, election::isLeader);
      IngressStatusWriter statusWriter =
          new IngressStatusWriter(
              client,
              writer,
              election::isLeader,
              settings.classes(),
              settings.publishService(),
              settings.publishStatusAddresses());
      GlobalConfig config =
          new GlobalConfig(settings.config(), settings.configVersion(), settings.configDefaults(),
              configEvents(events));

      KubernetesSource[] source = new KubernetesSource[1];
      RebuildPipeline pipeline =
          new RebuildPipeline(
              () -> source[0].read(),
              new SnapshotTranslator(settings.classes()),
              config,
              new SnapshotPublisher(routes),
              status,
              obs.rebuilt((store, result, cfg) -> {
                problemEvents.rebuilt(result.problems());
                certs[0].rebuilt(store, result.snapshot());
                statusWriter.update(store);
              }));
      scheduler[0] =
          new RebuildScheduler(obs.timed(pipeline), settings.rebuildHoldOff(), settings.rebuildMaxDelay());
      started.push(scheduler[0]);
      certs[0].onRebuildNeeded(scheduler[0]::requestRebuild);
      source[0] =
          new KubernetesSource(
              client,
              settings.watchNamespaces(),
              settings.config(),
              settings.publishService(),
              scheduler[0]::requestRebuild,
              status,
              settings.watchCheck());
      started.push(source[0]);

      ProxyServer proxy = ProxyServer.start(settings.server(), routes, obs.telemetry(), certs[0].edge());
      started.push(proxy);
      started.push(election);
      certs[0].start();
      source[0]
          .start()
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  log.warn("Informers failed to start: {}", error.toString());
                  return;
                }
                log.info("Informer caches synced; building the first snapshot");
                scheduler[0].rebuildNow();
                election.start();
              });
      log.info(
          "Following the cluster{} (proxy on port {}, admin on port {})",
          settings.watchNamespaces().isEmpty()
              ? ""
              : " in namespaces " + String.join(",", settings.watchNamespaces()),
          proxy.port(),
          admin.port());
      return new KubernetesRuntime(routes, status, proxy, admin, election, started, draining);
    } catch (InterruptedException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static GlobalConfig.Listener configEvents(EventRecorder events) {
    return new GlobalConfig.Listener() {
      @Override
      public void activated(ConfigVersion version) {
        events.record(ref(version), false, "ConfigActivated",
            "version " + version.version() + " is now active");
      }

      @Override
      public void refused(ConfigValidation refusal) {
        events.record(ref(refusal.version()), true, "ConfigRefused",
            "refused as a whole, the previous version keeps serving: "
                + String.join("; ", refusal.errors()));
      }

      @Override
      public void warned(ConfigVersion version, String warning) {
        events.record(ref(version), true, "ConfigWarning", warning);
      }
    };
  }

  private static RouteSource ref(ConfigVersion version) {
    return new RouteSource("ConfigMap", version.namespace(), version.configMap());
  }

  /** The port the proxy listens on. */
  public int proxyPort() {
    return proxy.port();
  }

  /** The port the HTTPS listener listens on. */
  public int httpsPort() {
    return proxy.httpsPort();
  }

  /** The port the admin listener listens on. */
  public int adminPort() {
    return admin.port();
  }

  /** What this replica reports. */
  public ControllerStatus status() {
    return status;
  }

  /** Whether this replica holds the leader Lease. */
  public boolean isLeader() {
    return election.isLeader();
  }

  /** The snapshot being served now. */
  public RoutingSnapshot currentSnapshot() {
    return routes.table().snapshot();
  }

  /** Readiness off, stop following the cluster, drain in-flight requests, close. */
  public void shutdownGracefully(Duration grace) throws InterruptedException {
    if (closed.get()) {
      return;
    }
    draining.set(true);
    election.close();
    proxy.shutdownGracefully(grace);
    close();
    log.info("Stopped");
  }

  /** Stops everything now. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(resources);
    }
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable r = started.pop();
      try {
        r.close();
      } catch (Exception e) {
        log.warn("Error while closing {}: {}", r.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
