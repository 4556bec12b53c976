package dev.bollard.bench.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.jspecify.annotations.Nullable;

/**
 * The upstream side of the in-place relay: indexes the response head where it arrived, writes the
 * client's head from ranges of it (hop-by-hop headers dropped, {@code Connection: close} added
 * when the client leaves), and passes the body through as it came, following Content-Length or
 * the chunk framing only to know where the response ends. A response's last read is flushed at
 * once, earlier body reads once per loop turn ({@code channelReadComplete}: a flush per read cost
 * 4x at 64 KiB on io_uring); a small response (head and body in one read) is one buffer.
 */
final class RawUpstream extends ChannelInboundHandlerAdapter implements IdlePool.Member {

  private static final int HEAD = 0;
  private static final int LENGTH = 1;
  private static final int CHUNKED = 2;
  private static final int UNTIL_CLOSE = 3;

  /** Body bytes up to this many that arrived with the head go into the head's buffer. */
  private static final int COPY_LIMIT = 4096;

  private static final byte[] HTTP11 = RawClient.ascii("HTTP/1.1");
  private static final byte[] CONNECTION_CLOSE = RawClient.ascii("Connection: close\r\n");
  private static final byte[] CONNECTION_KEEP_ALIVE = RawClient.ascii("Connection: keep-alive\r\n");
  private static final byte[] CRLF = RawClient.ascii("\r\n");

  private final IdlePool<RawUpstream> pool;
  private final HeadIndex resp = new HeadIndex();
  private final ChunkScanner chunks = new ChunkScanner();
  private Channel ch;
  private @Nullable RawClient client;
  private @Nullable ByteBuf in;
  private int state;
  private long left;
  private boolean reusable;
  private boolean headSent;
  private boolean closeClient;
  private boolean unflushed;

  RawUpstream(IdlePool<RawUpstream> pool) {
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

  /** The exchange of client starts: its request is about to be written. */
  void bind(RawClient c) {
    client = c;
    state = HEAD;
    headSent = false;
  }

  /** The client went away mid-exchange: this connection's state is unknown, close it. */
  void abandon() {
    client = null;
    ch.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf b = (ByteBuf) msg;
    RawClient c = client;
    if (c == null) { // nothing asked: a stray response, or the upstream's close notice
      b.release();
      ctx.close();
      return;
    }
    Channel cc = c.channel();
    ByteBuf out = null;
    if (state == HEAD) {
      in = in == null ? b : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, b);
      int r = resp.parse(in, true);
      if (r == HeadIndex.INCOMPLETE) {
        return;
      }
      if (r == HeadIndex.MALFORMED || resp.status < 200) { // no 1xx / 101 support: not needed here
        fail(c);
        return;
      }
      b = in;
      in = null;
      framing(c);
      int avail = b.writerIndex() - resp.end;
      out = clientHead(c, b, avail <= COPY_LIMIT ? avail : 0);
      b.readerIndex(resp.end);
      headSent = true;
    }
    int ri = b.readerIndex();
    int avail = b.readableBytes();
    int n;
    boolean done;
    switch (state) {
      case LENGTH -> {
        n = (int) Math.min(left, avail);
        left -= n;
        done = left == 0;
      }
      case CHUNKED -> {
        int e = chunks.scan(b, ri, ri + avail);
        if (e == ChunkScanner.MALFORMED) {
          b.release();
          if (out != null) {
            out.release();
          }
          broken(c);
          return;
        }
        done = e >= 0;
        n = done ? e - ri : avail;
      }
      default -> {
        n = avail;
        done = false;
      }
    }
    if (n < avail) { // bytes after the response: nothing was asked for them
      reusable = false;
    }
    if (n > 0 && out != null && n <= COPY_LIMIT) {
      out.writeBytes(b, ri, n);
      b.release();
    } else if (n > 0) {
      if (out != null) {
        cc.write(out, cc.voidPromise());
      }
      out = n == avail ? b : b.retainedSlice(ri, n);
      if (n != avail) {
        b.release();
      }
    } else {
      b.release();
    }
    if (done) {
      complete(c, out, closeClient);
      return;
    }
    if (out != null) {
      cc.write(out, cc.voidPromise());
    }
    unflushed = true; // flushed once the reads of this loop turn are done
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    RawClient c = client;
    if (c != null && unflushed) {
      unflushed = false;
      Channel cc = c.channel();
      cc.flush();
      if (!cc.isWritable()) {
        ch.config().setAutoRead(false); // the client's channelWritabilityChanged turns it back on
      }
    }
  }

  /** How the response's end is found, from its head and the request. */
  private void framing(RawClient c) {
    reusable = resp.keepAlive();
    closeClient = !c.keepAlive;
    int s = resp.status;
    if (c.headRequest || s == 204 || s == 304) {
      state = LENGTH;
      left = 0;
    } else if (resp.chunked) {
      state = CHUNKED;
      chunks.reset();
    } else if (!resp.transferEncoding && resp.contentLength >= 0) {
      state = LENGTH;
      left = resp.contentLength;
    } else {
      state = UNTIL_CLOSE;
      reusable = false;
      closeClient = true;
    }
  }

  /** The client's head: status line, the headers kept, Connection when needed, CRLF. */
  private ByteBuf clientHead(RawClient c, ByteBuf src, int extra) {
    HeadIndex h = resp;
    ByteBuf out = c.channel().alloc().ioBuffer(h.emptyLine - h.start + HTTP11.length
        + CONNECTION_KEEP_ALIVE.length + 2 + extra);
    int run;
    if (h.http11) {
      run = h.start;
    } else {
      out.writeBytes(HTTP11);
      out.writeBytes(src, h.sp1, h.lineEnd - h.sp1);
      run = h.lineEnd;
    }
    h.copyKeptLines(src, run, out, false);
    if (closeClient) {
      out.writeBytes(CONNECTION_CLOSE);
    } else if (!c.http11) {
      out.writeBytes(CONNECTION_KEEP_ALIVE);
    }
    out.writeBytes(CRLF);
    return out;
  }

  private void complete(RawClient c, @Nullable ByteBuf out, boolean close) {
    client = null;
    unflushed = false;
    state = HEAD;
    if (reusable) {
      if (!ch.config().isAutoRead()) {
        ch.config().setAutoRead(true);
      }
      pool.offer(this);
    } else {
      ch.close();
    }
    c.finish(out, close);
  }

  private void fail(RawClient c) {
    client = null;
    if (in != null) {
      in.release();
      in = null;
    }
    ch.close();
    c.upstreamFailed();
  }

  private void broken(RawClient c) {
    client = null;
    ch.close();
    c.channel().close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (in != null) {
      in.release();
      in = null;
    }
    RawClient c = client;
    if (c == null) {
      pool.remove(this);
    } else if (state == UNTIL_CLOSE) {
      client = null;
      c.finish(null, true);
    } else if (!headSent) {
      client = null;
      c.upstreamFailed();
    } else {
      broken(c);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
