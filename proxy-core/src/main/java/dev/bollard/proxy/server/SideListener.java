package dev.bollard.proxy.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A small listener with its own one-thread event loop, for side services next to the proxy: the
 * admin endpoints and the demo echo backend. Separate loops keep probes answering while the proxy's
 * loops are busy.
 */
public final class SideListener implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SideListener(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds a listener whose connections get the steps {@code pipeline} adds.
   *
   * @param name names the event-loop thread ({@code bollard-NAME}) and error messages
   * @param bind address and port (port 0 picks a free one, see {@link #port()})
   * @param pipeline adds the handlers of each accepted connection
   * @throws UncheckedIOException if the address cannot be bound; the message names it
   */
  public static SideListener start(
      String name, InetSocketAddress bind, Consumer<ChannelPipeline> pipeline)
      throws InterruptedException {
    Transport transport = Transport.detect();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("bollard-" + name, true), transport.ioHandlers());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      pipeline.accept(ch.pipeline());
                    }
                  })
              .bind(bind)
              .sync()
              .channel();
      return new SideListener(group, channel);
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof IOException io) {
        // Netty rethrows the bind failure unchecked; give it a message that names the address.
        throw new UncheckedIOException(
            "cannot listen on " + bind + " (" + name + "): " + io.getMessage(), io);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("cannot start " + name + " listener on " + bind, e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops listening and drops open connections. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
