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
 *
 * <p>One deadline per connection, kept as a {@code long}: state changes only move it. A single
 * scheduled check per connection compares the clock with it when it fires and schedules itself
 * again for what is left (like Netty's {@code IdleStateHandler}), so a request costs no
 * schedule/cancel pair on the event loop's timer queue. The check is rescheduled early only when
 * a deadline moves before it, and for a head still incomplete after a read, not per read.
 */
public final class ClientTimeouts extends ChannelDuplexHandler {

  private static final byte IDLE = 0;
  private static final byte READING_HEAD = 1;
  private static final byte BUSY = 2;

  private final long headerNanos;
  private final long keepAliveNanos;
  private byte state = IDLE;
  private boolean keptAlive;
  /** When the current state times out ({@link System#nanoTime()}); unused while busy. */
  private long deadline;
  /** When the scheduled check runs, if {@link #check} is scheduled. */
  private long checkAt;
  private @Nullable ChannelHandlerContext ctx;
  private io.netty.util.concurrent.@Nullable ScheduledFuture<?> check;

  /**
   * @param headerTimeout time allowed for a complete request head (408 after it)
   * @param keepAliveTimeout time an idle kept-alive connection stays open
   */
  public ClientTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
    this.headerNanos = headerTimeout.toNanos();
    this.keepAliveNanos = keepAliveTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      arm(idleNanos());
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(idleNanos());
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
    if (state == IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
      // Only the deadline moves here: most heads are complete within this read, and the check is
      // brought forward in channelReadComplete only if this one was not.
      state = READING_HEAD;
      deadline = System.nanoTime() + headerNanos;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == READING_HEAD) {
      ensureCheckBy(deadline);
    }
    ctx.fireChannelReadComplete();
  }

  /** A complete request head was decoded: the request is now served, no client timer runs. */
  void headReceived() {
    state = BUSY;
  }

  /** The response was sent and the connection is kept alive: wait for the next request. */
  void idle() {
    state = IDLE;
    keptAlive = true;
    arm(keepAliveNanos);
  }

  private long idleNanos() {
    return keptAlive ? keepAliveNanos : headerNanos;
  }

  private void arm(long nanos) {
    deadline = System.nanoTime() + nanos;
    ensureCheckBy(deadline);
  }

  /** Makes sure a check runs no later than {@code when}; an earlier one reschedules itself. */
  private void ensureCheckBy(long when) {
    if (check != null && checkAt - when <= 0) {
      return;
    }
    cancel();
    ChannelHandlerContext c = ctx;
    if (c != null) {
      checkAt = when;
      check = c.executor().schedule(this::expired, Math.max(0, when - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void expired() {
    ChannelHandlerContext c = ctx;
    check = null;
    if (c == null || !c.channel().isActive() || state == BUSY) {
      // Busy: the next idle() schedules a check again.
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      ensureCheckBy(deadline);
      return;
    }
    if (state == READING_HEAD) {
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
    } else {
      c.close();
    }
  }
}
