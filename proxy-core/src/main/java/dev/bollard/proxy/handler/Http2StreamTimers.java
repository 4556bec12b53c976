package dev.bollard.proxy.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Drives the client timers of one HTTP/2 stream, the way the validator's raw-byte scanner drives a
 * connection's: the body timeout ({@code client-body-timeout}) runs between two pieces of the
 * request body, and the send timeout runs while the stream cannot be written (its flow-control
 * window, or the connection's, stays shut: a client that never opens it is cut off like a slow
 * HTTP/1.1 reader). The stream's {@link ProxyHandler} gets the same timers and tells them when the
 * request starts and ends. Sits after the frame-to-HTTP conversion, before the proxy handler.
 */
public final class Http2StreamTimers extends ChannelInboundHandlerAdapter {

  private final ClientTimeouts timeouts;
  /** Whether a body is due: only its pieces move the body timer. */
  private boolean inBody;

  /** Drives {@code timeouts}, which the stream's proxy handler is given as well. */
  public Http2StreamTimers(ClientTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeouts.attach(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeouts.detach();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timeouts.active();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timeouts.detach();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
      // Before the proxy handler hears of the head, as the scanner does on HTTP/1.1.
      inBody = true;
      timeouts.bodyExpected();
    } else if (inBody && msg instanceof HttpContent) {
      timeouts.bytesArrived();
      if (msg instanceof LastHttpContent) {
        inBody = false;
        timeouts.bodyEnded();
      }
    }
    ctx.fireChannelRead(msg);
  }
}
