package dev.bollard.proxy.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 client connection as a whole, between the frame codec and the stream multiplexer: its
 * membership of the listener's {@link ClientConnections} (drain and close-all reach it, not its
 * streams), its idle timers, and its bound on requests.
 *
 * <ul>
 *   <li>Idle: no stream open for the keep-alive timeout ({@code keep-alive}; before the first
 *       stream, the header timeout) closes the connection ({@code GOAWAY}, then close).
 *   <li>Send: the connection's socket not taking what is written for the send timeout closes it,
 *       as on HTTP/1.1 ({@link ClientTimeouts}); each stream has its own send timer besides, for a
 *       flow-control window that never opens.
 *   <li>Requests: after {@code maxRequests} streams ({@code http2-max-requests}, else {@code
 *       keep-alive-requests}) the connection sends {@code GOAWAY} naming the last stream it serves,
 *       finishes the open streams and closes, as nginx does.
 *   <li>Drain (graceful shutdown): {@code GOAWAY} at once; open streams finish, then it closes.
 * </ul>
 *
 * <p>{@code GOAWAY} names the last stream the client opened; once no stream is open the connection
 * closes (through the codec). Confined to the connection's event loop.
 */
public final class Http2Connection extends ChannelInboundHandlerAdapter
    implements ClientConnections.Member {

  private final ProxyHandler.Listener listener;
  private final ClientTimeouts timeouts;
  private final int maxRequests;
  private @Nullable ChannelHandlerContext ctx;
  private int slot = -1;
  private int requests;
  private int open;
  private boolean goingAway;

  /**
   * A connection of {@code listener} timed by {@code timeouts} (its own, not its streams'), that
   * serves at most {@code maxRequests} streams.
   */
  public Http2Connection(ProxyHandler.Listener listener, ClientTimeouts timeouts,
      int maxRequests) {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: >= 1)");
    }
    this.listener = listener;
    this.timeouts = timeouts;
    this.maxRequests = maxRequests;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
    if (codec == null) {
      throw new IllegalStateException("Http2Connection belongs right after an Http2FrameCodec");
    }
    codec.connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamActive(Http2Stream stream) {
        if ((stream.id() & 1) == 1) { // client-initiated
          streamOpened();
        }
      }

      @Override
      public void onStreamClosed(Http2Stream stream) {
        if ((stream.id() & 1) == 1) { // client-initiated
          streamClosed();
        }
      }
    });
    // The connection was counted open when accepted, and closed when its HTTP/1.1 handler left:
    // it is open again, now as an HTTP/2 connection.
    listener.telemetry().connectionOpened();
    listener.connections().add(this, ctx.channel());
    timeouts.attach(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeouts.detach();
    listener.connections().remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timeouts.detach();
    listener.connections().remove(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    timeouts.writabilityChanged(ctx.channel());
    ctx.fireChannelWritabilityChanged();
  }

  private void streamOpened() {
    open++;
    timeouts.headReceived();
    if (++requests >= maxRequests) {
      goAway();
    }
  }

  private void streamClosed() {
    if (--open == 0) {
      if (goingAway) {
        ChannelHandlerContext c = ctx;
        if (c != null) {
          c.close();
        }
      } else {
        timeouts.idle();
      }
    }
  }

  /**
   * Sends {@code GOAWAY} naming the last stream opened so far (the one whose frame is being read
   * now included): it and those before it are served, then the connection closes.
   */
  private void goAway() {
    ChannelHandlerContext c = ctx;
    if (c == null || goingAway) {
      return;
    }
    goingAway = true;
    c.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    if (open == 0) {
      c.close();
    }
  }

  @Override
  public void drain() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      goAway();
    }
  }

  @Override
  public void closeNow() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.channel().close();
    }
  }

  @Override
  public int slot() {
    return slot;
  }

  @Override
  public void slot(int value) {
    this.slot = value;
  }
}
