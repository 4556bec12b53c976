package dev.bollard.proxy.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open client connections of one listener, and the drain switch for graceful shutdown.
 *
 * <p>Once draining, idle keep-alive connections close at once and busy ones close after their
 * current response, which carries {@code Connection: close}.
 */
public final class ClientConnections {

  /** The user event that tells a connection's handler to close when idle. */
  static final Object DRAIN = new Object() {
    @Override
    public String toString() {
      return "DRAIN";
    }
  };

  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
  private volatile boolean draining;

  /** One listener for every connection's close, not a new one per connection. */
  private final ChannelFutureListener onClose = f -> {
    channels.remove(f.channel());
    if (draining && channels.isEmpty()) {
      allClosed.complete(null);
    }
  };

  /** Tracks a new client connection until it closes. */
  public void add(Channel channel) {
    channels.add(channel);
    channel.closeFuture().addListener(onClose);
    if (draining) {
      channel.close();
    }
  }

  /** Number of open client connections. */
  public int size() {
    return channels.size();
  }

  /** Whether a graceful shutdown has begun. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Starts draining: idle connections close now, busy ones after their response.
   *
   * @return completes when every connection has closed
   */
  public CompletableFuture<Void> drain() {
    draining = true;
    for (Channel channel : channels) {
      channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(DRAIN));
    }
    if (channels.isEmpty()) {
      allClosed.complete(null);
    }
    return allClosed;
  }

  /** Closes every connection now, busy or not. */
  public void closeAll() {
    for (Channel channel : channels) {
      channel.close();
    }
  }
}
