package dev.bollard.proxy.server;

import dev.bollard.proxy.http.PlainResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * The whole pipeline of a plain connection accepted before the first snapshot: its first request
 * gets {@code 503} with {@code Retry-After: 1} and the connection closes, so the client's retry
 * meets the real pipeline once the proxy serves. Nothing is routed, counted or logged.
 */
@ChannelHandler.Sharable
final class NotReadyResponder extends ChannelInboundHandlerAdapter {

  static final NotReadyResponder INSTANCE = new NotReadyResponder();

  /** The body: what a client or an operator reading it needs to know. */
  static final String TEXT = "503 Service Unavailable: starting, no routes loaded yet\n";

  private NotReadyResponder() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean head = msg instanceof HttpRequest;
    ReferenceCountUtil.release(msg);
    if (head && ctx.channel().isActive()) {
      // Read nothing more: the answer is the same for whatever follows.
      ctx.channel().config().setAutoRead(false);
      FullHttpResponse response =
          PlainResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, false);
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A bad head or a reset before we serve: nothing worth a log line.
    ctx.close();
  }
}
