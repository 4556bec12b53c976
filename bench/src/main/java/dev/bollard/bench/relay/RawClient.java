package dev.bollard.bench.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the in-place relay: indexes each request head where it arrived, writes the
 * upstream head from ranges of that buffer plus the forwarding headers (one buffer, one write,
 * one flush), passes a Content-Length body through as bytes. Chunked request bodies are refused
 * (501): the harness sends none.
 */
final class RawClient extends ChannelInboundHandlerAdapter {

  private static final int IDLE = 0;
  private static final int CONNECTING = 1;
  private static final int REQUEST_BODY = 2;
  private static final int AWAIT_RESPONSE = 3;
  private static final int CLOSING = 4;

  /** Request bodies up to this size that arrived with the head go into the head's buffer. */
  private static final int COPY_LIMIT = 4096;

  private static final byte[] HTTP11_CRLF = ascii(" HTTP/1.1\r\n");
  private static final byte[] XFF = ascii("X-Forwarded-For: ");
  private static final byte[] XFH = ascii("X-Forwarded-Host: ");
  private static final byte[] COMMA_SP = ascii(", ");
  private static final byte[] CRLF = ascii("\r\n");
  private static final byte[] BAD_REQUEST =
      ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  private static final byte[] NOT_IMPLEMENTED =
      ascii("HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  private static final byte[] BAD_GATEWAY =
      ascii("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

  private final IdlePool<RawUpstream> pool;
  /** X-Forwarded-Proto and -Port lines, the same on every request of the listener. */
  private final byte[] forwardedFixed;
  private final HeadIndex req = new HeadIndex();
  private byte[] clientAddress = new byte[0];
  private Channel ch;
  private @Nullable ByteBuf in;
  private int state;
  private long bodyLeft;
  private @Nullable RawUpstream up;

  /** Whether the client keeps its connection after the current response. */
  boolean keepAlive;
  /** Whether the current request is HTTP/1.1 (else a keep-alive response must say so). */
  boolean http11;
  /** Whether the current request is HEAD (its response has no body whatever it announces). */
  boolean headRequest;

  RawClient(IdlePool<RawUpstream> pool, byte[] forwardedFixed) {
    this.pool = pool;
    this.forwardedFixed = forwardedFixed;
  }

  Channel channel() {
    return ch;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ch = ctx.channel();
    if (ch.remoteAddress() instanceof InetSocketAddress a) {
      clientAddress = ascii(a.getAddress().getHostAddress());
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf b = (ByteBuf) msg;
    if (state == CLOSING) {
      b.release();
      return;
    }
    if (state == REQUEST_BODY) {
      Channel u = up.channel();
      int n = (int) Math.min(bodyLeft, b.readableBytes());
      bodyLeft -= n;
      if (bodyLeft == 0) {
        state = AWAIT_RESPONSE;
      }
      if (n == b.readableBytes()) {
        u.writeAndFlush(b, u.voidPromise());
        return;
      }
      u.writeAndFlush(b.readRetainedSlice(n), u.voidPromise());
      // what follows the body is a pipelined request: kept below
    }
    in = in == null ? b : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, b);
    if (state == IDLE) {
      next();
    }
  }

  /** Starts the request at the head of {@link #in}, if it is complete. */
  private void next() {
    int r = req.parse(in, false);
    if (r == HeadIndex.INCOMPLETE) {
      return;
    }
    if (r == HeadIndex.MALFORMED || req.transferEncoding) {
      refuse(r == HeadIndex.MALFORMED ? BAD_REQUEST : NOT_IMPLEMENTED);
      return;
    }
    keepAlive = req.keepAlive();
    http11 = req.http11;
    headRequest = req.sp1 - req.start == 4 && in.getByte(req.start) == 'H'
        && in.getByte(req.start + 1) == 'E';
    bodyLeft = Math.max(0, req.contentLength);
    RawUpstream u = pool.poll();
    if (u != null) {
      send(u);
      return;
    }
    state = CONNECTING;
    RawUpstream fresh = new RawUpstream(pool);
    pool.connect(ch.eventLoop(), fresh).addListener((ChannelFutureListener) f -> {
      if (!ch.isActive()) {
        f.channel().close();
      } else if (!f.isSuccess()) {
        refuse(BAD_GATEWAY);
      } else {
        req.parse(in, false); // in may have been merged into a new buffer meanwhile
        send(fresh);
      }
    });
  }

  private void send(RawUpstream u) {
    up = u;
    u.bind(this);
    int inline = (int) Math.min(bodyLeft, in.writerIndex() - req.end);
    ByteBuf out = upstreamHead(ch.alloc(), inline <= COPY_LIMIT ? inline : 0);
    in.readerIndex(req.end);
    Channel uc = u.channel();
    if (inline > 0) {
      if (inline <= COPY_LIMIT) {
        out.writeBytes(in, inline);
      } else {
        uc.write(out, uc.voidPromise());
        out = in.readRetainedSlice(inline);
      }
      bodyLeft -= inline;
    }
    if (!in.isReadable()) {
      in.release();
      in = null;
    }
    state = bodyLeft > 0 ? REQUEST_BODY : AWAIT_RESPONSE;
    uc.writeAndFlush(out, uc.voidPromise());
  }

  /** The forwarded head: request line, the headers kept, the forwarding headers, CRLF. */
  private ByteBuf upstreamHead(ByteBufAllocator alloc, int extra) {
    HeadIndex h = req;
    ByteBuf src = in;
    int xffLen = h.xff >= 0 ? h.valueEnd[h.xff] - h.valueStart[h.xff] + 2 : 0;
    int hostLen = h.host >= 0 ? h.valueEnd[h.host] - h.valueStart[h.host] + XFH.length + 2 : 0;
    ByteBuf out = alloc.ioBuffer(h.emptyLine - h.start + HTTP11_CRLF.length + XFF.length + xffLen
        + clientAddress.length + 2 + hostLen + forwardedFixed.length + 2 + extra);
    int run;
    if (h.http11) {
      run = h.start;
    } else {
      out.writeBytes(src, h.start, h.sp2 - h.start);
      out.writeBytes(HTTP11_CRLF);
      run = h.lineEnd;
    }
    h.copyKeptLines(src, run, out, true);
    out.writeBytes(XFF);
    if (h.xff >= 0) {
      out.writeBytes(src, h.valueStart[h.xff], h.valueEnd[h.xff] - h.valueStart[h.xff]);
      out.writeBytes(COMMA_SP);
    }
    out.writeBytes(clientAddress);
    out.writeBytes(CRLF);
    if (h.host >= 0) {
      out.writeBytes(XFH);
      out.writeBytes(src, h.valueStart[h.host], h.valueEnd[h.host] - h.valueStart[h.host]);
      out.writeBytes(CRLF);
    }
    out.writeBytes(forwardedFixed);
    out.writeBytes(CRLF);
    return out;
  }

  /**
   * The response is complete: its last bytes (out, or null) go to the client with the one flush
   * of this read; then the connection closes or takes the next (pipelined) request.
   */
  void finish(@Nullable ByteBuf out, boolean close) {
    up = null;
    if (close || !keepAlive) {
      state = CLOSING;
      ch.writeAndFlush(out != null ? out : Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    state = IDLE;
    if (out != null) {
      ch.write(out, ch.voidPromise());
    }
    ch.flush();
    if (in != null && in.isReadable()) {
      next();
    }
  }

  /** The upstream failed before the response head: 502. */
  void upstreamFailed() {
    up = null;
    refuse(BAD_GATEWAY);
  }

  private void refuse(byte[] response) {
    state = CLOSING;
    ch.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    RawUpstream u = up;
    if (u != null) {
      u.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = CLOSING;
    if (in != null) {
      in.release();
      in = null;
    }
    RawUpstream u = up;
    up = null;
    if (u != null) {
      u.abandon();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
