package dev.bollard.controller.echo;

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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP/1.1 server that answers any request with a JSON description of it: method, URI,
 * version, headers, body size (and the body itself when it is small text), and the peer address.
 *
 * <p>Bodies are counted as they stream in, never buffered whole, so it also serves as the upstream
 * for large uploads. Responses carry {@code X-Log-User-Id}, {@code X-Log-Account} and {@code
 * X-Log-Db-Ms} headers like an instrumented application's, and {@code X-Echo-Server} with the
 * backend's name so tests and demos can tell two backends apart.
 */
public final class EchoBackend implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EchoBackend(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Starts an echo backend.
   *
   * @param bind where to listen (port 0 picks a free one)
   * @param name reported in the {@code server} field and the {@code X-Echo-Server} header
   * @throws UncheckedIOException if the address cannot be bound; the message names it
   */
  public static EchoBackend start(InetSocketAddress bind, String name) throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            new DefaultThreadFactory("bollard-echo", true),
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
                          .addLast("continue", new HttpServerExpectContinueHandler())
                          .addLast("echo", new EchoHandler(name));
                    }
                  })
              .bind(bind)
              .sync()
              .channel();
      return new EchoBackend(group, channel);
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on " + bind + ": " + io.getMessage(), io);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("cannot start echo backend on " + bind, e);
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
