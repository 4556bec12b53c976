package dev.bollard.proxy.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;

/**
 * The {@code h2-pause} step of an HTTP/2 client connection, between TLS and the frame codec: the
 * connection stops reading the client's frames while what it owes the client piles up unsent, and
 * for good once it is being closed. Backpressure for what HTTP/2 flow control does not cover.
 *
 * <ul>
 *   <li>Backlog: more than {@value #MAX_UNSENT_BYTES} bytes waiting to be written to the client
 *       after a flush pauses reading, until the connection is writable again (its outbound buffer
 *       under the low water mark). Flow-controlled {@code DATA} never queues that much (Netty's
 *       flow controller writes only while the connection is writable, up to the high water mark,
 *       64 KiB), nor do the control-frame answers the codec counts before it gives up ({@code
 *       encoderEnforceMaxQueuedControlFrames}); what does is anything else a client can make the
 *       proxy write without reading it, such as the heads of many short responses. A client that
 *       makes the proxy answer and does not read so holds the bytes above, not more, until the
 *       send timeout closes the connection.
 *   <li>Closing: once the connection is asked to close (a connection error of the codec, the send
 *       or idle timeout, drain), no more frames are read. TLS may wait up to its close-notify
 *       timeout (3 s) to send its last record to a client that reads nothing; without the pause
 *       the codec would spend that time decoding whatever the client still sends (a flood, at full
 *       speed) and answering it to no one.
 * </ul>
 *
 * <p>Paused means {@code autoRead} off and the read requests of the steps after this one (the
 * codec asks for more when a frame is incomplete) held back until reading resumes. TLS, before
 * this step, may still read to complete a record it began. Nothing else turns the connection's
 * {@code autoRead} off: its streams have their own. Confined to the connection's event loop.
 */
final class Http2ReadPause extends ChannelDuplexHandler {

  /** Unsent bytes past which reading pauses: four times Netty's default high water mark. */
  static final int MAX_UNSENT_BYTES = 256 * 1024;

  private boolean backlogged;
  private boolean closing;

  @Override
  public void read(ChannelHandlerContext ctx) {
    // Held back while paused: turning autoRead on again reads.
    if (!backlogged && !closing) {
      ctx.read();
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (!backlogged && !closing && unsent(ctx.channel()) > MAX_UNSENT_BYTES) {
      backlogged = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (backlogged && channel.isWritable()) {
      backlogged = false;
      if (!closing) {
        channel.config().setAutoRead(true); // reads
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closing = true;
    ctx.channel().config().setAutoRead(false);
    ctx.close(promise);
  }

  /** Whether reading is paused (for a backlog or the close). */
  boolean paused() {
    return backlogged || closing;
  }

  private static long unsent(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }
}
