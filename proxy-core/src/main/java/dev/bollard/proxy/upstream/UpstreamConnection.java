package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Endpoint;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * An upstream connection leased to one exchange. Give it back with {@link #release()} only after
 * a response completed cleanly on a keep-alive connection; otherwise {@link #discard()} it.
 */
public final class UpstreamConnection {

  private final Channel channel;
  private final Endpoint endpoint;
  private final LoopPool pool;
  private final UpstreamChannelHandler handler;
  private int leases;
  private @Nullable ScheduledFuture<?> idleTimer;

  UpstreamConnection(
      Channel channel, Endpoint endpoint, LoopPool pool, UpstreamChannelHandler handler) {
    this.channel = channel;
    this.endpoint = endpoint;
    this.pool = pool;
    this.handler = handler;
  }

  /** The Netty channel, on the client's event loop. */
  public Channel channel() {
    return channel;
  }

  /** Where the connection goes. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Whether the connection served an earlier request (and so may have been closed meanwhile). */
  public boolean isReused() {
    return leases > 1;
  }

  /** Returns a clean keep-alive connection to its loop's pool. */
  public void release() {
    handler.listener(null);
    channel.config().setAutoRead(true);
    pool.release(this);
  }

  /** Closes the connection; it is never reused. */
  public void discard() {
    handler.listener(null);
    channel.close();
  }

  /** Hands the connection's events to another listener (after a protocol switch). */
  public void redirect(UpstreamListener next) {
    handler.listener(next);
  }

  /** Removes the HTTP codec after a protocol switch: from now on the listener gets raw bytes. */
  public void switchToRawBytes() {
    if (channel.pipeline().get(HttpClientCodec.class) != null) {
      channel.pipeline().remove(HttpClientCodec.class);
    }
  }

  void lease(UpstreamListener listener) {
    leases++;
    cancelIdleTimer();
    handler.listener(listener);
  }

  void idleTimer(ScheduledFuture<?> timer) {
    this.idleTimer = timer;
  }

  void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }
}
