package dev.bollard.proxy.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

  /** RFC 9113's initial window, the connection's until the proxy widens it. */
  private static final int DEFAULT_WINDOW = 65_535;
  /** The connection's receive window once widened. */
  static final int CONNECTION_WINDOW = 1 << 20;

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
    // The connection's receive window: 1 MiB rather than RFC 9113's 64 KiB, so that uploads on
    // several streams are not held to one stream's window between them. Each stream keeps its
    // 64 KiB window; what the proxy buffers for a connection stays at most 1 MiB.
    ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - DEFAULT_WINDOW));
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

  /**
   * What reaches past the codec: an HTTP/2 connection error, which the codec shows here before it
   * answers it itself ({@code GOAWAY} with its code, then close: closing here first would send
   * {@code NO_ERROR} instead), or a TLS or socket failure, which closes. The client's problem
   * either way: logged at debug.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP/2 client {} connection failed: {}", ctx.channel().remoteAddress(),
        cause.toString());
    if (!(cause instanceof Http2Exception)) {
      ctx.close();
    }
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
