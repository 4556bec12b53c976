package dev.bollard.controller.cli;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.publish.ConfigReportLog;
import dev.bollard.controller.publish.RebuildPipeline;
import dev.bollard.controller.publish.RebuildScheduler;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.source.Leadership;
import dev.bollard.controller.source.Source;
import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.controller.statuspage.StatusPage;
import dev.bollard.proxy.admin.AdminServer;
import dev.bollard.proxy.admin.Readiness;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ListenerBindException;
import dev.bollard.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Bollard process, whatever its {@link Source}: a manifest directory or a cluster.
 *
 * <p>A change travels source → {@link RebuildScheduler} (debounce, one thread) →
 * {@link RebuildPipeline} (read, pure translation) → {@link SnapshotPublisher} →
 * {@link CurrentRoutes}, and every published result reaches the publisher's listeners: the status
 * page, metrics, config log lines, certificates, and the source's leader-only writers (Ingress
 * status, Events).
 *
 * <p>Start order: access log and metrics, certificates, echo backend (if asked), then every
 * listener binds (proxy, HTTPS, admin) before the source is read, so an address in use fails the
 * start at once. Until the first publication the plain listener answers 503 with {@code
 * Retry-After}, the HTTPS listener accepts nothing (clients wait in the backlog), and {@code
 * /readyz} says {@code starting}. The source starts; the first rebuild runs once it has a complete
 * view (a source that {@linkplain Source#awaitFirstRead() waits} is waited for before {@link
 * #start} returns); after every listener of that first publication ran, the proxy opens and ACME
 * starts; then the replica contends for the lead. Readiness is "the proxy serves the first
 * snapshot and we are not shutting down" ({@code draining} once shutting down).
 */
public final class ProxyProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyProcess.class);

  private final Source source;
  private final CurrentRoutes routes;
  private final ControllerStatus status;
  private final RebuildScheduler scheduler;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final @Nullable EchoBackend echo;
  private final Deque<AutoCloseable> resources;
  private final AtomicBoolean draining;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProxyProcess(
      Source source,
      CurrentRoutes routes,
      ControllerStatus status,
      RebuildScheduler scheduler,
      ProxyServer proxy,
      AdminServer admin,
      @Nullable EchoBackend echo,
      Deque<AutoCloseable> resources,
      AtomicBoolean draining) {
    this.source = source;
    this.routes = routes;
    this.status = status;
    this.scheduler = scheduler;
    this.proxy = proxy;
    this.admin = admin;
    this.echo = echo;
    this.resources = resources;
    this.draining = draining;
  }

  /**
   * Starts everything; returns once the proxy listens (after the first snapshot when the source
   * {@linkplain Source#awaitFirstRead() waits} for it). The process owns {@code source} and closes
   * it.
   *
   * @throws UncheckedIOException if the source cannot be read or a listener cannot bind; the
   *     message names the directory or the address
   */
  public static ProxyProcess start(Source source, ProcessSettings settings)
      throws InterruptedException {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    started.push(source);
    try {
      // Early in, late out: the access log closes after the proxy has drained.
      Observability obs = Observability.start(settings.accessLog());
      started.push(obs);
      CertificateWiring certs = source.certificates(settings.certificates());
      started.push(certs);
      certs.observe(obs.metrics());
      InetSocketAddress echoBind = settings.echoBackend();
      EchoBackend echo = null;
      if (echoBind != null) {
        echo = listen("echo backend", Catalog.ECHO_BACKEND.flag(), echoBind,
            () -> EchoBackend.start(echoBind, "echo"));
        started.push(echo);
        log.info("Echo backend listening on {}", address(echoBind, echo.port()));
      }
      // Until the first publication (a cluster's informers may take a while), connections get the
      // flags' values, not the built-in defaults.
      CurrentRoutes routes = new CurrentRoutes(
          RoutingSnapshot.EMPTY.withSettings(Catalog.global(settings.configDefaults())));
      // Every listener binds before the source is first read, so an address in use fails the
      // start at once; the proxy serves only from the first publication on (ProxyServer#bind).
      ProxyServer proxy =
          listen(
              "proxy listener",
              Catalog.LISTEN.flag(),
              settings.server().bind(),
              () -> ProxyServer.bind(settings.server(), routes, obs.telemetry(), certs.edge()));
      started.push(proxy);
      AtomicBoolean draining = new AtomicBoolean();
      ControllerStatus status = new ControllerStatus(source.mode());
      status.certificates(certs::certificates);
      StatusPage page = StatusPage.start(status, routes, obs.metrics().registry());
      started.push(page);
      AdminServer admin =
          listen(
              "admin listener",
              Catalog.ADMIN_LISTEN.flag(),
              settings.adminListen(),
              () ->
                  AdminServer.start(
                      settings.adminListen(),
                      () -> readiness(proxy, draining),
                      status::toJson,
                      obs.scrape(),
                      page.pages()));
      started.push(admin);

      SnapshotPublisher publisher = new SnapshotPublisher(routes);
      publisher.subscribe(p -> status.rebuilt(p.version(), p.result().config().state()));
      publisher.subscribe(obs::published);
      publisher.subscribe(page.rebuilds());
      publisher.subscribe(new ConfigReportLog());
      publisher.subscribe(certs);
      Optional<Leadership> leadership = source.leadership();
      // Without an election the one process does everything a leader does (orders certificates).
      status.leader(leadership.isEmpty());
      leadership.ifPresent(l -> l.writers().forEach(publisher::subscribe));
      // Last: the proxy opens (and readiness turns on) once the first result is in place
      // everywhere, the default certificate included; ACME starts ordering once challenges can
      // be answered.
      publisher.subscribe(p -> {
        if (!proxy.isOpen()) {
          proxy.open();
          certs.start();
        }
      });
      RebuildScheduler scheduler =
          new RebuildScheduler(
              obs.timed(new RebuildPipeline(source::read, settings.translator(), publisher,
                  certs::readAgain)),
              settings.rebuildHoldOff(),
              settings.rebuildMaxDelay());
      started.push(scheduler);
      certs.onRebuildNeeded(scheduler::requestRebuild);

      CompletableFuture<Void> synced =
          source.start(
              new Source.Signals() {
                @Override
                public void changed() {
                  scheduler.requestRebuild();
                }

                @Override
                public void following(boolean healthy) {
                  status.watches(healthy);
                }
              });
      CompletableFuture<Void> first = synced.thenCompose(ok -> scheduler.rebuildNow());
      if (source.awaitFirstRead()) {
        first.get();
      } else {
        first.whenComplete((ok, error) -> {
          if (error != null && synced.isDone() && !synced.isCompletedExceptionally()
              && !draining.get()) {
            log.error("First rebuild of {} failed; the next change tries again", source, error);
          }
        });
      }
      leadership.ifPresent(
          l ->
              synced.thenRun(
                  () ->
                      l.start(
                          new Leadership.Listener() {
                            @Override
                            public void started() {
                              status.leader(true);
                              // A new leader writes status and Events for the world as it is
                              // now, and takes over the certificates the previous one left due.
                              scheduler.requestRebuild();
                              certs.checkNow();
                            }

                            @Override
                            public void stopped() {
                              status.leader(false);
                            }
                          })));
      log.info(
          "Serving {} (proxy on {}; admin on {}: status page /, /healthz, /readyz, /status, /metrics)",
          source,
          address(settings.server().bind(), proxy.port()),
          address(settings.adminListen(), admin.port()));
      return new ProxyProcess(
          source, routes, status, scheduler, proxy, admin, echo, started, draining);
    } catch (ExecutionException e) {
      closeAll(started);
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException("first read of " + source + " failed", e);
    } catch (InterruptedException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static Readiness readiness(ProxyServer proxy, AtomicBoolean draining) {
    if (draining.get()) {
      return Readiness.DRAINING;
    }
    return proxy.isOpen() ? Readiness.READY : Readiness.STARTING;
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  /**
   * Starts a listener, turning a bind failure into an error that names what, where and the flag
   * that moves it. The proxy server has two listeners: its error says which one failed.
   */
  private static <T> T listen(String what, String flag, InetSocketAddress bind,
      Starter<T> starter) throws InterruptedException {
    try {
      return starter.start();
    } catch (InterruptedException e) {
      throw e;
    } catch (ListenerBindException e) {
      throw new ListenerUnavailableException(e.getMessage(),
          e.https() ? Catalog.HTTPS_LISTEN.flag() : Catalog.LISTEN.flag(), e.getCause());
    } catch (Exception e) {
      IOException io = findIoCause(e);
      if (io != null) {
        throw new ListenerUnavailableException(
            what + " " + address(bind, bind.getPort()) + ": " + io.getMessage(), flag, io);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  private static @Nullable IOException findIoCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  private static String address(InetSocketAddress bind, int port) {
    return bind.getHostString() + ":" + port;
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

  /** The port of the in-process echo backend, if one was asked for. */
  public OptionalInt echoPort() {
    return echo == null ? OptionalInt.empty() : OptionalInt.of(echo.port());
  }

  /** What this process reports on {@code /status}. */
  public ControllerStatus status() {
    return status;
  }

  /** Whether this replica leads (never, for a source without leadership). */
  public boolean isLeader() {
    return source.leadership().map(Leadership::isLeader).orElse(false);
  }

  /** The snapshot being served now. */
  public RoutingSnapshot currentSnapshot() {
    return routes.table().snapshot();
  }

  /**
   * Takes the process down in order: readiness off, give up the lead, stop following the source
   * and rebuilding, let in-flight requests finish within {@code grace}, then close everything.
   */
  public void shutdownGracefully(Duration grace) throws InterruptedException {
    if (closed.get()) {
      return;
    }
    draining.set(true);
    log.info(
        "Shutting down: finishing in-flight requests for up to {}",
        grace.toString().substring(2).toLowerCase(Locale.ROOT));
    // No rebuild should race with the shutdown (the scheduler waits for one in flight, so no
    // writer hears of a publication after the lead is given up), and another replica may take
    // the lead now.
    scheduler.close();
    source.leadership().ifPresent(Leadership::close);
    proxy.shutdownGracefully(grace);
    close();
    log.info("Stopped");
  }

  /** Stops everything now; in-flight requests are cut. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(resources);
    }
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable resource = started.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Error while closing {}: {}", resource.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
