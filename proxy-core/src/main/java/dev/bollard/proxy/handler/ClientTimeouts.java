package dev.bollard.proxy.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Client-side timers, placed before the HTTP codec so it sees raw bytes arrive.
 *
 * <ul>
 *   <li>Idle (new connection, or between keep-alive requests): no bytes for the idle timeout
 *       closes the connection silently. A new connection gets the header timeout, a kept-alive one
 *       the keep-alive timeout.
 *   <li>Reading a head (bytes arrived, no complete request head yet): the header timeout answers
 *       408 and closes.
 *   <li>Busy (a request is being served): no timer; upstream timeouts apply.
 * </ul>
 */
public final class ClientTimeouts extends ChannelDuplexHandler {

  private enum State { IDLE, READING_HEAD, BUSY }

  private final long headerNanos;
  private final long keepAliveNanos;
  private State state = State.IDLE;
  private long idleNanos;
  private @Nullable ChannelHandlerContext ctx;
  private io.netty.util.concurrent.@Nullable ScheduledFuture<?> timer;

  /**
   * @param headerTimeout time allowed for a complete request head (408 after it)
   * @param keepAliveTimeout time an idle kept-alive connection stays open
   */
  public ClientTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
    this.headerNanos = headerTimeout.toNanos();
    this.keepAliveNanos = keepAliveTimeout.toNanos();
    this.idleNanos = headerNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      arm(idleNanos);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(idleNanos);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
      state = State.READING_HEAD;
      arm(headerNanos);
    }
    ctx.fireChannelRead(msg);
  }

  /** A complete request head was decoded: the request is now served, no client timer runs. */
  void headReceived() {
    state = State.BUSY;
    cancel();
  }

  /** The response was sent and the connection is kept alive: wait for the next request. */
  void idle() {
    state = State.IDLE;
    idleNanos = keepAliveNanos;
    arm(keepAliveNanos);
  }

  private void arm(long nanos) {
    cancel();
    ChannelHandlerContext c = ctx;
    if (c != null) {
      timer = c.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired() {
    ChannelHandlerContext c = ctx;
    timer = null;
    if (c == null || !c.channel().isActive()) {
      return;
    }
    if (state == State.READING_HEAD) {
      // Written as bytes from before the codec: the codec is mid-request and cannot encode.
      String body = "408 Request Timeout: request head not received in time\n";
      String response =
          "HTTP/1.1 408 Request Timeout\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: " + body.length() + "\r\n"
              + "Connection: close\r\n\r\n"
              + body;
      c.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (state == State.IDLE) {
      c.close();
    }
  }
}
