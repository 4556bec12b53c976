package dev.bollard.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of an upstream pipeline: hands events to the current lessee, if any. An HTTP/2
 * stream's one step ({@link Http2StreamHandler}) is one, converting frames on the way.
 */
class UpstreamChannelHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(UpstreamChannelHandler.class);

  private @Nullable UpstreamListener listener;
  private boolean closedReported;

  void listener(@Nullable UpstreamListener listener) {
    this.listener = listener;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l == null) {
      // An idle pooled connection has no business receiving data: it cannot be reused safely.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.onUpstreamRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamReadComplete();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reportClosed(false);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A TLS failure reaches here wrapped by the decoder; like an I/O error, the exchange reports
    // it (a failed handshake as a failed connection attempt naming the backend and the reason).
    if (!(cause instanceof IOException)
        && !(cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
      log.warn("Upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    reportClosed(true);
    ctx.close();
  }

  private void reportClosed(boolean failed) {
    UpstreamListener l = listener;
    if (l != null && !closedReported) {
      closedReported = true;
      listener = null;
      l.onUpstreamClosed(failed);
    }
  }
}
