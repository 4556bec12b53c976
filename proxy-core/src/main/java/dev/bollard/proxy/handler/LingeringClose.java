package dev.bollard.proxy.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection after an answer to a request whose bytes may still be arriving (a
 * 414 for a huge request line, a 431 or 400 mid-head), the way nginx's {@code lingering_close}
 * does: closing a socket with unread input makes the kernel send a reset, which can destroy the
 * answer before the client has read it.
 *
 * <p>Once the answer is written: TLS is closed ({@code close_notify}), the sending side is shut
 * down (the client reads the answer, then end of stream), and whatever the client still sends is
 * read and thrown away, up to {@link #MAX_DISCARDED_BYTES}; then reading stops. The connection
 * closes when the client closes its side, or {@link #MAX_LINGER_MILLIS} after the answer at the
 * latest. Nothing read here reaches the codec.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {

  /** Request bytes read and discarded at most after the answer. */
  static final int MAX_DISCARDED_BYTES = 64 * 1024;

  /** How long the connection lingers at most after the answer. */
  static final long MAX_LINGER_MILLIS = 2_000;

  private static final String STEP_NAME = "linger";

  private long discarded;

  private LingeringClose() {}

  /** Lingers on {@code written}'s channel once it completes; closes at once if it failed. */
  static void after(ChannelFuture written) {
    written.addListener(f -> {
      Channel channel = written.channel();
      if (!f.isSuccess() || !channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
        channel.close();
        return;
      }
      if (channel.pipeline().get(STEP_NAME) == null) {
        // First, ahead of TLS and the PROXY protocol gate: raw bytes are discarded unread.
        channel.pipeline().addFirst(STEP_NAME, new LingeringClose());
      }
      var deadline = channel.eventLoop().schedule(() -> {
        channel.close();
      }, MAX_LINGER_MILLIS, TimeUnit.MILLISECONDS);
      channel.closeFuture().addListener(c -> deadline.cancel(false));
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      if (tls != null) {
        tls.closeOutbound().addListener(c -> shutdownOutput(duplex));
      } else {
        shutdownOutput(duplex);
      }
      channel.config().setAutoRead(true);
    });
  }

  private static void shutdownOutput(DuplexChannel channel) {
    channel.shutdownOutput().addListener(f -> {
      if (!f.isSuccess()) {
        channel.close();
      }
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      discarded += buf.readableBytes();
    }
    ReferenceCountUtil.release(msg);
    if (discarded >= MAX_DISCARDED_BYTES) {
      // Enough: the rest waits in the socket until the client closes or the deadline passes.
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed with the bytes: nothing after this step is reading any more.
  }
}
