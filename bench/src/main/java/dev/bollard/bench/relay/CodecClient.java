package dev.bollard.bench.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the codec relay, after {@code HttpServerCodec}: each request's
 * {@code HttpObject}s are forwarded to a pooled upstream connection (its {@code HttpClientCodec}
 * encodes them again), with the hop-by-hop headers dropped and the forwarding headers set.
 * Messages that arrive while the upstream connects, or while a previous exchange is in flight
 * (pipelining), wait in order.
 */
final class CodecClient extends ChannelInboundHandlerAdapter {

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");

  private final IdlePool<CodecUpstream> pool;
  private final AsciiString forwardedPort;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private Channel ch;
  private String clientAddress = "";
  private @Nullable CodecUpstream up;
  /** From a request's head until the end of its response. */
  private boolean busy;
  /** The current request's last content went to the upstream. */
  private boolean requestSent;
  private boolean closing;

  /** Whether the client keeps its connection after the current response. */
  boolean keepAlive;
  /** Whether the current request is HEAD. */
  boolean headRequest;

  CodecClient(IdlePool<CodecUpstream> pool, AsciiString forwardedPort) {
    this.pool = pool;
    this.forwardedPort = forwardedPort;
  }

  Channel channel() {
    return ch;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ch = ctx.channel();
    if (ch.remoteAddress() instanceof InetSocketAddress a) {
      clientAddress = a.getAddress().getHostAddress();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (waiting()) {
      pending.addLast(msg);
    } else {
      handle(msg);
    }
  }

  /** Messages wait while the upstream connects, or once the request went and its response has not. */
  private boolean waiting() {
    return busy && (up == null || requestSent);
  }

  private void handle(Object msg) {
    if (up == null && msg instanceof HttpRequest req) { // a new exchange (else: the one connected)
      if (req.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        refuse(HttpResponseStatus.BAD_REQUEST);
        return;
      }
      busy = true;
      requestSent = false;
      keepAlive = HttpUtil.isKeepAlive(req);
      headRequest = req.method().equals(HttpMethod.HEAD);
      forwardHeaders(req.headers());
      req.setProtocolVersion(HttpVersion.HTTP_1_1);
      CodecUpstream u = pool.poll();
      if (u != null) {
        up = u;
        u.bind(this);
      } else {
        pending.addFirst(msg);
        connect();
        return;
      }
    }
    CodecUpstream u = up;
    if (u == null) { // content of a refused request
      ReferenceCountUtil.release(msg);
      return;
    }
    Channel uc = u.channel();
    if (msg instanceof LastHttpContent) {
      requestSent = true;
      uc.writeAndFlush(msg, uc.voidPromise());
    } else {
      uc.write(msg, uc.voidPromise());
    }
  }

  private void connect() {
    CodecUpstream fresh = new CodecUpstream(pool);
    ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel uc) {
        uc.pipeline().addLast(new HttpClientCodec(), fresh);
      }
    };
    pool.connect(ch.eventLoop(), pipeline).addListener((ChannelFutureListener) f -> {
      if (!ch.isActive()) {
        f.channel().close();
      } else if (!f.isSuccess()) {
        refuse(HttpResponseStatus.BAD_GATEWAY);
      } else {
        up = fresh;
        fresh.bind(this);
        drain();
      }
    });
  }

  private void drain() {
    while (!closing && !pending.isEmpty() && !waiting()) {
      handle(pending.pollFirst());
    }
  }

  private void forwardHeaders(HttpHeaders h) {
    CodecUpstream.dropHopByHop(h);
    String xff = h.get(X_FORWARDED_FOR);
    h.set(X_FORWARDED_FOR, xff == null ? clientAddress : xff + ", " + clientAddress);
    String host = h.get(HttpHeaderNames.HOST);
    if (host != null) {
      h.set(X_FORWARDED_HOST, host);
    } else {
      h.remove(X_FORWARDED_HOST);
    }
    h.set(X_FORWARDED_PROTO, HTTP);
    h.set(X_FORWARDED_PORT, forwardedPort);
  }

  /** The response's last content; then the connection closes or takes the next request. */
  void finish(Object last, boolean close) {
    up = null;
    busy = false;
    if (close || !keepAlive) {
      closing = true;
      ch.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
      releasePending();
      return;
    }
    ch.writeAndFlush(last, ch.voidPromise());
    drain();
  }

  /** The upstream failed before the response head: 502. */
  void upstreamFailed() {
    up = null;
    refuse(HttpResponseStatus.BAD_GATEWAY);
  }

  private void refuse(HttpResponseStatus status) {
    closing = true;
    busy = false;
    releasePending();
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  private void releasePending() {
    Object m;
    while ((m = pending.pollFirst()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    CodecUpstream u = up;
    if (u != null) {
      u.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    releasePending();
    CodecUpstream u = up;
    up = null;
    if (u != null) {
      u.abandon();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
