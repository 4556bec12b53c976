package dev.bollard.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin HTTP listener: {@code GET /healthz}, {@code GET /readyz} and {@code GET /status}.
 *
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} while the process runs (liveness).
 *   <li>{@code /readyz}: 200 {@code ready} once {@code ready} says so, else 503 {@code not ready: no
 *       snapshot published yet} (readiness: a load balancer sends traffic only to ready replicas).
 *   <li>{@code /status}: 200 with a JSON document the wiring supplies (active config version,
 *       refused versions, watch health).
 *   <li>anything else: 404; a method other than GET or HEAD on a known path: 405.
 * </ul>
 *
 * <p>The server has its own event loop of one thread, separate from the proxy's.
 */
public final class AdminServer implements AutoCloseable {

  /** Largest request the admin port accepts; probes send no body. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds the admin listener.
   *
   * @param bind address and port to listen on (port 0 picks a free one, see {@link #port()})
   * @param ready answers readiness; called on the admin event loop for every {@code /readyz}, so it
   *     must be cheap and non-blocking
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound (in use, not local); the message
   *     names the address
   */
  public static AdminServer start(InetSocketAddress bind, BooleanSupplier ready)
      throws InterruptedException {
    return start(bind, ready, () -> "{}");
  }

  /**
   * Binds the admin listener with a {@code GET /status} page.
   *
   * @param bind address and port to listen on (port 0 picks a free one)
   * @param ready answers readiness; cheap and non-blocking
   * @param status the {@code /status} document, a JSON object: the active config version,
   *     refusals, watch health (whatever the wiring reports); called on the admin event loop, so it
   *     must be cheap and non-blocking
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static AdminServer start(
      InetSocketAddress bind, BooleanSupplier ready, Supplier<String> status)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            new DefaultThreadFactory("bollard-admin", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast("codec", new HttpServerCodec())
                          .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast("probes", new ProbeHandler(ready, status));
                    }
                  })
              .bind(bind)
              .sync()
              .channel();
      return new AdminServer(group, channel);
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof IOException io) {
        // Netty rethrows the bind failure unchecked; give it a message that names the address.
        throw new UncheckedIOException("cannot listen on " + bind + ": " + io.getMessage(), io);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("cannot start admin listener on " + bind, e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Closes the listener and its event loop; open probe connections are dropped. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
