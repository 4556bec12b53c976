package dev.bollard.proxy.server;

import dev.bollard.proxy.handler.ClientConnections;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse proxy's plain HTTP listener: one boss thread accepts, worker event loops serve
 * clients and their upstream connections (an upstream connection lives on its client's loop).
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final UpstreamPools pools;
  private final ClientConnections connections;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private ProxyServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel serverChannel,
      UpstreamPools pools,
      ClientConnections connections) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.pools = pools;
    this.connections = connections;
  }

  /** Binds the listener and starts serving from {@code routes}. */
  public static ProxyServer start(ServerSettings settings, CurrentRoutes routes)
      throws InterruptedException {
    Transport transport = Transport.detect();
    EventLoopGroup boss = transport.newGroup(1);
    EventLoopGroup workers = transport.newGroup(settings.ioThreads());
    UpstreamPools pools =
        new UpstreamPools(
            transport.socketChannel(),
            transport.datagramChannel(),
            settings.connectTimeout(),
            settings.upstreamIdleTimeout(),
            () -> routes.table().snapshot());
    ClientConnections connections = new ClientConnections();
    try {
      Channel channel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new ProxyChannelInitializer(settings, routes, pools, connections))
              .bind(settings.bind())
              .sync()
              .channel();
      log.info(
          "Proxy listening on {}:{} ({})",
          settings.bind().getHostString(),
          ((InetSocketAddress) channel.localAddress()).getPort(),
          transport.name());
      return new ProxyServer(boss, workers, channel, pools, connections);
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
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
    releaseAll();
  }

  private void releaseAll() {
    connections.closeAll();
    pools.close();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
