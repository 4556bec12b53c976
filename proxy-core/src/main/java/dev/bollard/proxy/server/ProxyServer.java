package dev.bollard.proxy.server;

import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.handler.AuthSubrequests;
import dev.bollard.proxy.handler.BodyFileSpace;
import dev.bollard.proxy.handler.ClientConnections;
import dev.bollard.proxy.handler.ProxyHandler;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.passthrough.PassthroughRelays;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.step.StepServices;
import dev.bollard.proxy.tls.EdgeTls;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse proxy's listeners: event loops accept and serve clients and their upstream
 * connections (an upstream connection lives on its client's loop; each listener accepts on one
 * of the loops).
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  /** External authentication answers kept at most ({@code auth-cache-key}), server-wide. */
  private static final long AUTH_CACHE_ENTRIES = 65_536;

  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final UpstreamPools pools;
  private final ClientConnections connections;
  /** Basic-auth checks; its small pool hashes passwords off the event loops. */
  private final RequestGuard guard;
  private final BodyFileSpace bodyFiles;
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** Set by {@link #open()}; the plain listener's pipelines read it once per connection. */
  private final AtomicBoolean serving;
  private volatile @Nullable Channel httpsChannel;
  /** The HTTPS listener's edge, set with {@link #httpsChannel}. */
  private volatile @Nullable EdgeTls httpsEdge;

  private ProxyServer(
      EventLoopGroup workers,
      Channel serverChannel,
      UpstreamPools pools,
      ClientConnections connections,
      RequestGuard guard,
      BodyFileSpace bodyFiles,
      AtomicBoolean serving) {
    this.workers = workers;
    this.bodyFiles = bodyFiles;
    this.serving = serving;
    this.serverChannel = serverChannel;
    this.pools = pools;
    this.connections = connections;
    this.guard = guard;
  }

  /** Binds the listener and starts serving from {@code routes}, with no access log or metrics. */
  public static ProxyServer start(ServerSettings settings, CurrentRoutes routes)
      throws InterruptedException {
    return start(settings, routes, RequestTelemetry.NONE);
  }

  /**
   * Binds the listener and starts serving from {@code routes}.
   *
   * @param telemetry where completed requests go (access log, metrics) and connections are counted
   */
  public static ProxyServer start(
      ServerSettings settings, CurrentRoutes routes, RequestTelemetry telemetry)
      throws InterruptedException {
    return start(settings, routes, telemetry, EdgeTls.NONE);
  }

  /**
   * Binds the listeners and starts serving from {@code routes}.
   *
   * @param telemetry where completed requests go (access log, metrics) and connections are counted
   * @param tls the HTTPS listener (when it has an address), ACME challenge answers, redirects
   */
  public static ProxyServer start(
      ServerSettings settings, CurrentRoutes routes, RequestTelemetry telemetry, EdgeTls tls)
      throws InterruptedException {
    return start(settings, routes, telemetry, tls, defaultGuard());
  }

  /**
   * {@link #bind(ServerSettings, CurrentRoutes, RequestTelemetry, EdgeTls, RequestGuard)} with a
   * guard of its own.
   */
  public static ProxyServer bind(
      ServerSettings settings, CurrentRoutes routes, RequestTelemetry telemetry, EdgeTls tls)
      throws InterruptedException {
    return bind(settings, routes, telemetry, tls, defaultGuard());
  }

  private static RequestGuard defaultGuard() {
    return RequestGuard.start(Math.max(2, Runtime.getRuntime().availableProcessors() / 2));
  }

  /**
   * Binds the listeners and starts serving from {@code routes}, checking passwords with {@code
   * guard}, which the server closes when it stops.
   *
   * @param telemetry where completed requests go (access log, metrics) and connections are counted
   * @param tls the HTTPS listener (when it has an address), ACME challenge answers, redirects
   */
  public static ProxyServer start(
      ServerSettings settings,
      CurrentRoutes routes,
      RequestTelemetry telemetry,
      EdgeTls tls,
      RequestGuard guard)
      throws InterruptedException {
    ProxyServer server = bind(settings, routes, telemetry, tls, guard);
    server.open();
    return server;
  }

  /**
   * Binds the listeners without serving yet, so that an address in use is reported before there
   * is anything to serve: until {@link #open()}, the plain listener answers every connection's
   * first request with {@code 503} and {@code Retry-After: 1} and closes it, and the HTTPS listener
   * accepts nothing (its server channel does not read; clients wait in the accept backlog, 1024
   * deep, and their handshakes complete once the server opens), so no client is shown a
   * certificate before the first snapshot chose it.
   *
   * @param telemetry where completed requests go (access log, metrics) and connections are counted
   * @param tls the HTTPS listener (when it has an address), ACME challenge answers, redirects
   * @param guard checks passwords; the server closes it when it stops
   */
  public static ProxyServer bind(
      ServerSettings settings,
      CurrentRoutes routes,
      RequestTelemetry telemetry,
      EdgeTls tls,
      RequestGuard guard)
      throws InterruptedException {
    Transport transport = Transport.choose(settings.transport());
    EventLoopGroup workers = transport.newGroup(settings.eventLoops());
    UpstreamPools pools =
        new UpstreamPools(
            transport.socketChannel(),
            transport.datagramChannel(),
            settings.upstreamIdleTimeout(),
            () -> routes.table().snapshot());
    // Counts a connection closed when it leaves: no close-future listener per connection.
    ClientConnections connections = new ClientConnections(telemetry::connectionClosed);
    LoopRecvAllocator recvAllocator = new LoopRecvAllocator();
    StepServices services = new StepServices(guard, tls.http01(), tls.redirectPort(),
        new AuthSubrequests(pools, AUTH_CACHE_ENTRIES));
    BodyFileSpace bodyFiles = new BodyFileSpace();
    AtomicBoolean serving = new AtomicBoolean();
    try {
      Channel channel = listen(transport, workers, recvAllocator, settings.bind(), false, true,
          initializer(settings, routes, pools, connections, services, telemetry, bodyFiles,
              tls.listener(false, routes), serving::get));
      log.info(
          "Proxy listening on {}:{} ({})",
          settings.bind().getHostString(),
          ((InetSocketAddress) channel.localAddress()).getPort(),
          transport.name());
      ProxyServer server =
          new ProxyServer(workers, channel, pools, connections, guard, bodyFiles, serving);
      InetSocketAddress httpsBind = tls.httpsBind();
      if (httpsBind != null) {
        // Same loops, pools and drain as the plain listener; only the first pipeline steps differ.
        // It accepts only once the server opens: nothing to gate per connection.
        // SSL passthrough: the snapshot says which SNI names (none unless the controller was
        // started with --enable-ssl-passthrough); the hello step looks them up.
        PassthroughRelays relays = new PassthroughRelays(pools, routes, telemetry);
        EdgeTls.Passthrough passthrough = (hello, backend, serverName) ->
            ProxyChannelInitializer.relay(hello, relays.newRelay(backend, serverName));
        server.httpsEdge = tls;
        server.httpsChannel = listen(transport, workers, recvAllocator, httpsBind, true, false,
            initializer(settings, routes, pools, connections, services, telemetry, bodyFiles,
                tls.listener(true, routes, telemetry::tlsHandshake, passthrough), () -> true));
        log.info("HTTPS listening on {}:{} ({})", httpsBind.getHostString(), server.httpsPort(),
            tls.provider().map(Enum::name).orElse("?"));
      }
      return server;
    } catch (InterruptedException | RuntimeException e) {
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      guard.close();
      throw e;
    }
  }

  /**
   * Starts serving: new plain connections get the proxy's pipeline, and the HTTPS listener starts
   * accepting, first the clients waiting in its backlog, once the default certificate is made (it
   * is generated while the process starts: no handshake waits for it on an event loop).
   * Idempotent.
   *
   * @throws IllegalStateException if the default certificate could not be made
   */
  public void open() {
    Channel https = httpsChannel;
    EdgeTls edge = httpsEdge;
    if (edge != null) {
      edge.defaultCertificate();
    }
    serving.set(true);
    if (https != null) {
      https.config().setAutoRead(true);
    }
  }

  /** Whether {@link #open()} was called. */
  public boolean isOpen() {
    return serving.get();
  }

  /**
   * Binds one listener. Its server channel accepts on one of the worker loops, not on a thread of
   * its own: a connection accepted on the loop that serves it is registered there directly,
   * without a task handed across threads and a wake-up per connection (or per accept batch).
   */
  private static Channel listen(Transport transport, EventLoopGroup workers,
      LoopRecvAllocator recvAllocator, InetSocketAddress bind, boolean https, boolean accepting,
      ProxyChannelInitializer init) throws InterruptedException {
    try {
      return bindChannel(transport, workers, recvAllocator, bind, accepting, init);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // Netty rethrows the bind's IOException (BindException) without declaring it.
      if (e instanceof IOException io) {
        throw new ListenerBindException(https, bind, io);
      }
      throw e;
    }
  }

  private static Channel bindChannel(Transport transport, EventLoopGroup workers,
      LoopRecvAllocator recvAllocator, InetSocketAddress bind, boolean accepting,
      ProxyChannelInitializer init)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(workers, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        // A server channel that does not read does not accept: connections wait in the backlog.
        .option(ChannelOption.AUTO_READ, accepting)
        // No TCP_NODELAY child option: Netty's socket channels turn it on themselves, and setting
        // it again was a second setsockopt call per accepted connection.
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, recvAllocator)
        .childHandler(init)
        .bind(bind)
        .sync()
        .channel();
  }

  private static ProxyChannelInitializer initializer(ServerSettings settings,
      CurrentRoutes routes, UpstreamPools pools, ClientConnections connections,
      StepServices services, RequestTelemetry telemetry, BodyFileSpace bodyFiles,
      EdgeTls.Listener tls, BooleanSupplier serving) {
    ProxyHandler.Listener shared = new ProxyHandler.Listener(routes, pools, connections, services,
        telemetry, bodyFiles, tls);
    return new ProxyChannelInitializer(settings, shared, serving);
  }

  /** The disk space the temporary files of buffered request bodies hold now. */
  public BodyFileSpace bodyFiles() {
    return bodyFiles;
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The HTTPS listener's port, or -1 without one. */
  public int httpsPort() {
    Channel https = httpsChannel;
    return https == null ? -1 : ((InetSocketAddress) https.localAddress()).getPort();
  }

  private void closeHttps() {
    Channel https = httpsChannel;
    if (https != null) {
      https.close().syncUninterruptibly();
    }
  }

  /**
   * Stops accepting, lets in-flight requests finish up to {@code deadline}, closes idle keep-alive
   * connections, then releases the event loops.
   *
   * <p>Responses to requests in flight carry {@code Connection: close}; WebSockets and requests
   * still running at the deadline are cut.
   */
  public void shutdownGracefully(Duration deadline) throws InterruptedException {
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: >= 0)");
    }
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().sync();
    closeHttps();
    int open = connections.size();
    log.info("Proxy stopped accepting; draining {} client connections for up to {}", open,
        deadline);
    try {
      connections.drain().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Proxy drain deadline {} passed; closing {} connections still busy", deadline,
          connections.size());
    } catch (ExecutionException e) {
      log.warn("Proxy drain failed: {}", e.getCause().toString());
    }
    releaseAll();
  }

  /** Immediate stop. */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    closeHttps();
    releaseAll();
  }

  private void releaseAll() {
    connections.closeAll();
    pools.close();
    guard.close();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
