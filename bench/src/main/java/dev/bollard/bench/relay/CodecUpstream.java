package dev.bollard.bench.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The upstream side of the codec relay, after {@code HttpClientCodec}: forwards the response's
 * {@code HttpObject}s to the client (hop-by-hop headers dropped, {@code Connection: close} when
 * the client leaves), flushing at the end of each read and at the response's last content, then
 * goes back to its loop's pool.
 */
final class CodecUpstream extends ChannelInboundHandlerAdapter implements IdlePool.Member {

  private final IdlePool<CodecUpstream> pool;
  private Channel ch;
  private @Nullable CodecClient client;
  private boolean reusable;
  private boolean headSent;
  private boolean closeClient;
  private boolean unflushed;

  CodecUpstream(IdlePool<CodecUpstream> pool) {
    this.pool = pool;
  }

  @Override
  public Channel channel() {
    return ch;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ch = ctx.channel();
  }

  void bind(CodecClient c) {
    client = c;
    headSent = false;
  }

  void abandon() {
    client = null;
    ch.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    CodecClient c = client;
    if (c == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse resp) {
      if (resp.decoderResult().isFailure() || resp.status().code() < 200) {
        ReferenceCountUtil.release(msg);
        client = null;
        ch.close();
        c.upstreamFailed();
        return;
      }
      reusable = HttpUtil.isKeepAlive(resp);
      HttpHeaders h = resp.headers();
      int s = resp.status().code();
      boolean framed = c.headRequest || s == 204 || s == 304 || HttpUtil.isTransferEncodingChunked(resp)
          || HttpUtil.isContentLengthSet(resp);
      closeClient = !c.keepAlive || !framed;
      dropHopByHop(h);
      resp.setProtocolVersion(HttpVersion.HTTP_1_1);
      if (closeClient) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      headSent = true;
    }
    if (msg instanceof LastHttpContent) {
      client = null;
      unflushed = false;
      if (reusable) {
        if (!ch.config().isAutoRead()) {
          ch.config().setAutoRead(true);
        }
        pool.offer(this);
      } else {
        ch.close();
      }
      c.finish(msg, closeClient);
      return;
    }
    Channel cc = c.channel();
    cc.write(msg, cc.voidPromise());
    unflushed = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    CodecClient c = client;
    if (c != null && unflushed) {
      unflushed = false;
      Channel cc = c.channel();
      cc.flush();
      if (!cc.isWritable()) {
        ch.config().setAutoRead(false); // the client's channelWritabilityChanged turns it back on
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    CodecClient c = client;
    client = null;
    if (c == null) {
      pool.remove(this);
    } else if (!headSent) {
      c.upstreamFailed();
    } else {
      c.channel().close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Drops Connection, the headers it names, and the other hop-by-hop headers. */
  static void dropHopByHop(HttpHeaders h) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String token : connection.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")) {
          h.remove(t);
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(CodecClient.PROXY_CONNECTION);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.UPGRADE);
  }
}
