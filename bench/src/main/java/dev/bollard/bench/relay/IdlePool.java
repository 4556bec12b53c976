package dev.bollard.bench.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections to the upstream, one pool per event loop (a client's exchange only
 * ever takes a connection of its own loop, so nothing is shared between threads). Last in, first
 * out: the connection used last is the one whose state is warm.
 *
 * @param <T> the upstream handler a mode pools
 */
final class IdlePool<T extends IdlePool.Member> {

  /** What the pool holds: an upstream connection's handler. */
  interface Member {
    Channel channel();
  }

  private final InetSocketAddress upstream;
  private final Class<? extends Channel> channelClass;
  private final FastThreadLocal<ArrayDeque<T>> idle = new FastThreadLocal<>() {
    @Override
    protected ArrayDeque<T> initialValue() {
      return new ArrayDeque<>();
    }
  };

  IdlePool(InetSocketAddress upstream, Class<? extends Channel> channelClass) {
    this.upstream = upstream;
    this.channelClass = channelClass;
  }

  /** An idle open connection of the calling loop, or null. */
  @Nullable T poll() {
    ArrayDeque<T> q = idle.get();
    T t;
    while ((t = q.pollLast()) != null) {
      if (t.channel().isActive()) {
        return t;
      }
    }
    return null;
  }

  void offer(T t) {
    idle.get().addLast(t);
  }

  void remove(T t) {
    idle.get().remove(t);
  }

  /** A new connection on loop, handled by handler. */
  ChannelFuture connect(EventLoop loop, ChannelHandler handler) {
    return new Bootstrap()
        .group(loop)
        .channel(channelClass)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(handler)
        .connect(upstream);
  }
}
