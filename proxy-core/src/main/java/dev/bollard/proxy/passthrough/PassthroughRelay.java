package dev.bollard.proxy.passthrough;

import dev.bollard.proxy.clientip.ProxyProtocolGate;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection passed through: the client pipeline's step in place of {@code tls-hello}
 * (with {@code passthrough-idle} before it), and the backend connection's only step.
 *
 * <ul>
 *   <li>Joining: client reading pauses; the backend's endpoints are tried in round-robin order,
 *       each once, each within the connect timeout. What the client sent meanwhile (at least the
 *       ClientHello) is held and written first. No endpoint, or none answers: the client
 *       connection closes at once.
 *   <li>Relaying: bytes go through as they come, untouched. Backpressure both ways: while one side
 *       cannot take more, the other is not read.
 *   <li>Ending: either side closing closes the other once what was written to it has left; no
 *       byte in either direction for the idle timeout closes both.
 * </ul>
 *
 * <p>The client pipeline's last step (the HTTP proxy step, which counts the connection among the
 * listener's and closes it at the drain deadline) stays behind this one and sees only that the
 * connection closed: HTTP events such as the start of a drain stop here, so a relayed connection is
 * waited for at shutdown like a WebSocket. Confined to the client's event loop, which the backend
 * connection shares.
 */
final class PassthroughRelay extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(PassthroughRelay.class);

  /** The pipeline step name of the idle timer, just before the relay. */
  static final String IDLE_STEP = "passthrough-idle";

  private final PassthroughRelays shared;
  private final Backend backend;
  private final String serverName;
  private final Duration connectTimeout;
  private final Duration idleTimeout;

  private @Nullable ChannelHandlerContext client;
  private @Nullable Channel upstream;
  private @Nullable Endpoint endpoint;
  /** What the client sent before the backend connection was made. */
  private @Nullable List<ByteBuf> held = new ArrayList<>(2);
  private List<Endpoint> order = List.of();
  private int next;
  private boolean closed;
  private long bytesIn;
  private long bytesOut;

  PassthroughRelay(PassthroughRelays shared, Backend backend, String serverName,
      Duration connectTimeout, Duration idleTimeout) {
    this.shared = shared;
    this.backend = backend;
    this.serverName = serverName;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx;
    ctx.channel().config().setAutoRead(false);
    ctx.pipeline().addBefore(ctx.name(), IDLE_STEP,
        new IdleStateHandler(0, 0, idleTimeout.toNanos(), TimeUnit.NANOSECONDS));
    order = shared.pools.tryOrder((EventLoop) ctx.channel().eventLoop(), backend);
    if (order.isEmpty()) {
      log.info("SSL passthrough for {} from {}: backend {} has no ready endpoint; closing",
          serverName, clientAddress(ctx), backend.id());
      ctx.close();
      return;
    }
    connectNext(ctx);
  }

  private void connectNext(ChannelHandlerContext ctx) {
    Endpoint target = order.get(next++);
    Future<Channel> opening = shared.pools.openTunnel(
        (EventLoop) ctx.channel().eventLoop(), target, connectTimeout, new BackendSide());
    opening.addListener(f -> connected(ctx, target, opening));
  }

  private void connected(ChannelHandlerContext ctx, Endpoint target, Future<Channel> opening) {
    if (!opening.isSuccess()) {
      if (closed) {
        return;
      }
      if (next < order.size()) {
        connectNext(ctx);
        return;
      }
      log.info("SSL passthrough for {} from {}: no endpoint of {} answered (last {}: {});"
              + " closing", serverName, clientAddress(ctx), backend.id(), target,
          opening.cause().toString());
      ctx.close();
      return;
    }
    Channel up = opening.getNow();
    if (closed) {
      up.close();
      return;
    }
    upstream = up;
    endpoint = target;
    List<ByteBuf> early = held;
    held = null;
    if (early != null) {
      for (ByteBuf bytes : early) {
        up.write(bytes);
      }
    }
    up.flush();
    up.config().setAutoRead(ctx.channel().isWritable());
    ctx.channel().config().setAutoRead(up.isWritable());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes) || closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    bytesIn += bytes.readableBytes();
    Channel up = upstream;
    List<ByteBuf> early = held;
    if (up == null) {
      if (early != null) {
        early.add(bytes);
      } else {
        bytes.release();
      }
      return;
    }
    up.write(bytes, up.voidPromise());
    if (!up.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Channel up = upstream;
    if (up != null) {
      up.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel up = upstream;
    if (up != null) {
      up.config().setAutoRead(ctx.channel().isWritable());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.debug("SSL passthrough for {} from {}: idle for {}; closing", serverName,
          clientAddress(ctx), idleTimeout);
      ctx.close();
    }
    // Nothing goes on: the HTTP step behind must not act on a relayed connection (a drain would
    // close it at once instead of at the deadline).
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("SSL passthrough for {} from {}: {}; closing", serverName, clientAddress(ctx),
        cause.toString());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end();
    Channel up = upstream;
    if (up != null) {
      closeAfterWrites(up);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  /** Reports the connection once, when the client side closes. */
  private void end() {
    if (closed) {
      return;
    }
    closed = true;
    releaseHeld();
    shared.telemetry.passthrough(upstream != null, bytesIn, bytesOut);
    ChannelHandlerContext c = client;
    if (log.isDebugEnabled() && c != null) {
      log.debug("SSL passthrough for {} from {} to {} ({}): {} bytes in, {} out", serverName,
          clientAddress(c), endpoint, backend.id(), bytesIn, bytesOut);
    }
  }

  private void releaseHeld() {
    List<ByteBuf> early = held;
    held = null;
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
    }
  }

  private static void closeAfterWrites(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static Object clientAddress(ChannelHandlerContext ctx) {
    return ProxyProtocolGate.source(ctx.channel());
  }

  /** The backend connection's step: relays toward the client. */
  private final class BackendSide extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ChannelHandlerContext c = client;
      if (!(msg instanceof ByteBuf bytes) || c == null || closed) {
        ReferenceCountUtil.release(msg);
        return;
      }
      bytesOut += bytes.readableBytes();
      c.write(bytes, c.voidPromise());
      if (!c.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ChannelHandlerContext c = client;
      if (c != null) {
        c.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      ChannelHandlerContext c = client;
      if (c != null && upstream != null) {
        c.channel().config().setAutoRead(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ChannelHandlerContext c = client;
      if (c != null && upstream == ctx.channel()) {
        // What the backend sent last must reach the client before it learns of the close.
        c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("SSL passthrough for {}: backend {}: {}; closing", serverName, endpoint,
          cause.toString());
      ctx.close();
    }
  }
}
