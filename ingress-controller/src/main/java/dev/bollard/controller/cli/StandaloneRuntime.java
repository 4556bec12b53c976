package dev.bollard.controller.cli;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.echo.EchoBackend;
import dev.bollard.controller.publish.RebuildPipeline;
import dev.bollard.controller.publish.RebuildScheduler;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.source.Manifests;
import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.source.ManifestDirectory;
import dev.bollard.controller.source.ManifestWatcher;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.proxy.admin.AdminServer;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One standalone Bollard process: a manifest directory served through the proxy.
 *
 * <p>Start order: echo backend (if asked), admin listener (not ready yet), watcher, first rebuild
 * (synchronously, so the proxy never serves before the first snapshot), proxy listener. Every file
 * change then goes watcher → {@link RebuildScheduler} (debounce, one thread) → load → translate →
 * {@link SnapshotPublisher} → {@link CurrentRoutes}. Readiness is "the proxy listens, a snapshot is
 * published and we are not shutting down".
 */
public final class StandaloneRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneRuntime.class);

  private final CurrentRoutes routes;
  private final Deque<AutoCloseable> resources;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final @Nullable EchoBackend echo;
  private final AtomicBoolean draining;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StandaloneRuntime(
      CurrentRoutes routes,
      Deque<AutoCloseable> resources,
      ProxyServer proxy,
      AdminServer admin,
      @Nullable EchoBackend echo,
      AtomicBoolean draining) {
    this.routes = routes;
    this.resources = resources;
    this.proxy = proxy;
    this.admin = admin;
    this.echo = echo;
    this.draining = draining;
  }

  /**
   * Starts everything and returns once the proxy serves the first snapshot.
   *
   * @throws UncheckedIOException if the manifest directory is missing or a listener cannot bind;
   *     the message names the directory or the address
   */
  public static StandaloneRuntime start(StandaloneSettings settings) throws InterruptedException {
    return start(settings, AccessLogOptions.OFF);
  }

  /** Starts everything with an access log as the flags say. */
  static StandaloneRuntime start(StandaloneSettings settings, AccessLogOptions accessLog)
      throws InterruptedException {
    return start(settings, accessLog, CertificateWiring.standalone(
        TlsConfig.httpsOnly(new InetSocketAddress(settings.server().bind().getAddress(), 0)),
        java.util.List.of(), dev.bollard.acme.CertificateEvents.NONE, java.time.Clock.systemUTC()));
  }

  /**
   * Starts everything, with the HTTPS listener and certificates of {@code certs} (closed with the
   * runtime).
   */
  static StandaloneRuntime start(StandaloneSettings settings, AccessLogOptions accessLog,
      CertificateWiring certs) throws InterruptedException {
    if (!Files.isDirectory(settings.manifests())) {
      throw new UncheckedIOException(
          new NoSuchFileException(settings.manifests().toString(), null, "no such directory"));
    }
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      // First in, last out: the access log closes after the proxy has drained.
      Observability obs = Observability.start(accessLog);
      started.push(obs);
      started.push(certs);
      certs.observe(obs.metrics());
      InetSocketAddress echoBind = settings.echoBackend();
      EchoBackend echo = null;
      if (echoBind != null) {
        echo = listen("echo backend", echoBind, () -> EchoBackend.start(echoBind, "echo"));
        started.push(echo);
        log.info("Echo backend listening on {}", address(echoBind, echo.port()));
      }

      CurrentRoutes routes = new CurrentRoutes();
      AtomicBoolean draining = new AtomicBoolean();
      // Ready only once the proxy listens: a probe must not send traffic to a closed port.
      AtomicBoolean listening = new AtomicBoolean();
      ControllerStatus status = new ControllerStatus("standalone");
      AdminServer admin =
          listen(
              "admin listener",
              settings.adminListen(),
              () ->
                  AdminServer.start(
                      settings.adminListen(),
                      () -> listening.get() && routes.isPublished() && !draining.get(),
                      status::toJson,
                      obs.scrape()));
      started.push(admin);

      ManifestDirectory directory = new ManifestDirectory(settings.manifests());
      RebuildPipeline pipeline =
          new RebuildPipeline(
              () -> load(directory, certs),
              new SnapshotTranslator(settings.classes()),
              new GlobalConfig(
                  settings.config(), settings.configVersion(), settings.configDefaults(),
                  new GlobalConfig.Listener() {}),
              new SnapshotPublisher(routes),
              status,
              obs.rebuilt((store, result, config) -> certs.rebuilt(store, result.snapshot())));
      RebuildScheduler scheduler =
          new RebuildScheduler(obs.timed(pipeline), settings.rebuildHoldOff(), settings.rebuildMaxDelay());
      started.push(scheduler);
      certs.onRebuildNeeded(scheduler::requestRebuild);
      // Watch before the first load so that no change slips in between.
      ManifestWatcher watcher =
          ManifestWatcher.start(settings.manifests(), scheduler::requestRebuild);
      started.push(watcher);
      scheduler.rebuildNow().get();

      ProxyServer proxy =
          listen(
              "proxy listener",
              settings.server().bind(),
              () -> ProxyServer.start(settings.server(), routes, obs.telemetry(), certs.edge()));
      started.push(proxy);
      listening.set(true);
      certs.start();
      log.info(
          "Serving {} on {} (admin /healthz and /readyz on {})",
          settings.manifests(),
          address(settings.server().bind(), proxy.port()),
          address(settings.adminListen(), admin.port()));
      return new StandaloneRuntime(routes, started, proxy, admin, echo, draining);
    } catch (IOException e) {
      closeAll(started);
      throw new UncheckedIOException(e);
    } catch (ExecutionException e) {
      closeAll(started);
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException("first load of " + settings.manifests() + " failed", e);
    } catch (InterruptedException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static Optional<RebuildPipeline.Input> load(
      ManifestDirectory directory, CertificateWiring certs) {
    try {
      Manifests manifests = directory.load();
      return Optional.of(
          new RebuildPipeline.Input(
              ResourceStore.of(java.util.stream.Stream.concat(
                  manifests.resources().stream(), certs.issuedSecrets().stream()).toList()), manifests.problems()));
    } catch (UncheckedIOException e) {
      // The directory vanished or is unreadable: keep serving what we have.
      log.warn(
          "Cannot read {}: {}; still serving the last snapshot",
          directory.dir(),
          e.getCause().getMessage());
      return Optional.empty();
    }
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  /** Starts a listener, turning a bind failure into an error that names what and where. */
  private static <T> T listen(String what, InetSocketAddress bind, Starter<T> starter)
      throws InterruptedException {
    try {
      return starter.start();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      IOException io = findIoCause(e);
      if (io != null) {
        throw new UncheckedIOException(what + " " + bind + ": " + io.getMessage(), io);
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

  /** The snapshot being served now. */
  public RoutingSnapshot currentSnapshot() {
    return routes.table().snapshot();
  }

  /**
   * Takes the process down in order: readiness off, stop watching, let in-flight requests finish
   * within {@code grace}, then close everything.
   */
  public void shutdownGracefully(Duration grace) throws InterruptedException {
    if (closed.get()) {
      return;
    }
    draining.set(true);
    log.info(
        "Shutting down: finishing in-flight requests for up to {}",
        grace.toString().substring(2).toLowerCase(Locale.ROOT));
    // Stop reacting to files first: no rebuild should race with the shutdown.
    for (AutoCloseable resource : resources) {
      if (resource instanceof ManifestWatcher || resource instanceof RebuildScheduler) {
        closeQuietly(resource);
      }
    }
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
      closeQuietly(started.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("Error while closing {}: {}", resource.getClass().getSimpleName(), e.toString());
    }
  }
}
