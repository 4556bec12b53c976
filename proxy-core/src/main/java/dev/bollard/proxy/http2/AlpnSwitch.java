package dev.bollard.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.Consumer;

/**
 * The {@code alpn} step of an HTTPS connection, right after TLS: when the handshake ends it leaves,
 * and if ALPN chose {@code h2} it hands the pipeline to {@code toHttp2}, which replaces the
 * HTTP/1.1 steps with HTTP/2's. The handshake event arrives before any application byte is passed
 * on, so the client's connection preface already meets the HTTP/2 steps.
 */
public final class AlpnSwitch extends ChannelInboundHandlerAdapter {

  private final Consumer<ChannelPipeline> toHttp2;

  /** Calls {@code toHttp2} with the connection's pipeline when ALPN chose {@code h2}. */
  public AlpnSwitch(Consumer<ChannelPipeline> toHttp2) {
    this.toHttp2 = toHttp2;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      ChannelPipeline p = ctx.pipeline();
      p.remove(this);
      SslHandler ssl = p.get(SslHandler.class);
      if (done.isSuccess() && ssl != null
          && ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
        toHttp2.accept(p);
      }
    }
    ctx.fireUserEventTriggered(evt);
  }
}
