package dev.bollard.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 connection over TLS whose frames are written by hand, for hostile clients: floods,
 * resets, CONTINUATION without end, windows that never open. It reads what the server sends as
 * frames (and acknowledges the server's SETTINGS, unless told not to read at all).
 */
public final class RawH2Connection implements AutoCloseable {

  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int PRIORITY = 0x2;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PING = 0x6;
  public static final int GOAWAY = 0x7;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;

  public static final int END_STREAM = 0x1;
  public static final int ACK = 0x1;
  public static final int END_HEADERS = 0x4;

  public static final long REFUSED_STREAM = 0x7;
  public static final long CANCEL = 0x8;
  public static final long ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** One frame the server sent. */
  public record Frame(int type, int flags, int streamId, byte[] payload) {
    /** The error code of a GOAWAY or RST_STREAM. */
    public long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8) | (payload[at + 3] & 0xff);
    }
  }

  private final EventLoopGroup group;
  private final Channel channel;
  /** Appended on the event loop; not copy-on-write: a flood's answers are many. */
  private final List<Frame> frames = new ArrayList<>();
  private final CompletableFuture<Frame> goAway = new CompletableFuture<>();
  private final CompletableFuture<Void> serverSettings = new CompletableFuture<>();
  private final ConcurrentHashMap<Integer, CompletableFuture<Frame>> resets =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, CompletableFuture<Http2Headers>> heads =
      new ConcurrentHashMap<>();
  private final Http2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

  private RawH2Connection(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Connects, sends the preface and {@code settings} (id, value pairs), and reads frames unless
   * {@code reading} is false (then the server's writes pile up: a client that does not read).
   */
  public static RawH2Connection open(int port, String sni, boolean reading, int... settings)
      throws Exception {
    SslContext tls = SslContextBuilder.forClient()
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2))
        .build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    RawH2Connection[] self = new RawH2Connection[1];
    ReadGate gate = new ReadGate();
    Reader reader = new Reader(() -> self[0]);
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(gate);
            c.pipeline().addLast(tls.newHandler(c.alloc(), sni, port));
            c.pipeline().addLast(reader);
          }
        });
    if (!reading) {
      bootstrap.option(ChannelOption.SO_RCVBUF, 4096);
    }
    Channel ch = bootstrap.connect("127.0.0.1", port).sync().channel();
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    ssl.handshakeFuture().sync();
    if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
      throw new IllegalStateException("server chose ALPN " + ssl.applicationProtocol());
    }
    RawH2Connection connection = new RawH2Connection(group, ch);
    if (!reading) {
      // Not even TLS reads on: SslHandler asks for more bytes itself when a record is partial.
      ch.eventLoop().submit(() -> {
        gate.open = false;
        ch.config().setAutoRead(false);
      }).sync();
    }
    ByteBuf payload = Unpooled.buffer();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      payload.writeShort(settings[i]).writeInt(settings[i + 1]);
    }
    // The preface first, before anything read can make this client answer (a SETTINGS ACK).
    ch.write(Unpooled.wrappedBuffer(PREFACE));
    connection.frame(SETTINGS, 0, 0, payload);
    ch.flush();
    ch.eventLoop().execute(() -> {
      self[0] = connection;
      // Frames that came before this object existed wait in the reader: go through them now
      // (not by firing an empty read through the pipeline: the TLS handler would swallow it).
      reader.deliver();
    });
    return connection;
  }

  /** Writes one frame (not flushed). */
  public ChannelFuture frame(int type, int flags, int streamId, ByteBuf payload) {
    ByteBuf head = channel.alloc().buffer(9);
    head.writeMedium(payload.readableBytes()).writeByte(type).writeByte(flags)
        .writeInt(streamId & 0x7fffffff);
    channel.write(head);
    return channel.write(payload);
  }

  /** The HPACK block of {@code headers} (this connection's encoder: write them in order). */
  public ByteBuf block(int streamId, Http2Headers headers) {
    ByteBuf out = Unpooled.buffer();
    try {
      encoder.encodeHeaders(streamId, headers, out);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** A complete header block: HEADERS, and CONTINUATION frames past 16 KiB (the frame size). */
  public void headers(int streamId, Http2Headers headers, boolean endStream) {
    ByteBuf block = block(streamId, headers);
    int max = 16_384;
    int first = Math.min(max, block.readableBytes());
    boolean last = first == block.readableBytes();
    frame(HEADERS, (last ? END_HEADERS : 0) | (endStream ? END_STREAM : 0), streamId,
        block.readRetainedSlice(first));
    while (block.isReadable()) {
      int n = Math.min(max, block.readableBytes());
      frame(CONTINUATION, n == block.readableBytes() ? END_HEADERS : 0, streamId,
          block.readRetainedSlice(n));
    }
    block.release();
  }

  /** An RST_STREAM frame. */
  public void reset(int streamId, long code) {
    frame(RST_STREAM, 0, streamId, Unpooled.buffer(4).writeInt((int) code));
  }

  /** Flushes what was written. */
  public void flush() {
    channel.flush();
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /** Completes when the connection closed. */
  public CompletableFuture<Void> closed() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel.closeFuture().addListener(f -> done.complete(null));
    return done;
  }

  /** The server's GOAWAY. */
  public CompletableFuture<Frame> goAway() {
    return goAway;
  }

  /** Completes once the server's SETTINGS arrived (and were acknowledged). */
  public CompletableFuture<Void> serverSettings() {
    return serverSettings;
  }

  /** The server's RST_STREAM for {@code streamId}. */
  public CompletableFuture<Frame> reset(int streamId) {
    return resets.computeIfAbsent(streamId, id -> new CompletableFuture<>());
  }

  /** The server's response head on {@code streamId}. */
  public CompletableFuture<Http2Headers> head(int streamId) {
    return heads.computeIfAbsent(streamId, id -> new CompletableFuture<>());
  }

  /** Every frame the server sent so far (a copy). */
  public List<Frame> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void received(Frame f) {
    synchronized (frames) {
      frames.add(f);
    }
    switch (f.type()) {
      case SETTINGS -> {
        if ((f.flags() & ACK) == 0) {
          frame(SETTINGS, ACK, 0, Unpooled.EMPTY_BUFFER);
          channel.flush();
          serverSettings.complete(null);
        }
      }
      case GOAWAY -> goAway.complete(f);
      case RST_STREAM -> reset(f.streamId()).complete(f);
      case HEADERS -> {
        try {
          Http2Headers decoded =
              decoder.decodeHeaders(f.streamId(), Unpooled.wrappedBuffer(f.payload()));
          if (decoded.status() != null) {
            head(f.streamId()).complete(decoded);
          }
        } catch (Exception e) {
          head(f.streamId()).completeExceptionally(e);
        }
      }
      default -> { }
    }
  }

  /**
   * Passes read requests to the socket only while open: a closed gate makes a client that reads
   * nothing at all, whatever the TLS handler asks for. Touched on the event loop only.
   */
  private static final class ReadGate extends io.netty.channel.ChannelOutboundHandlerAdapter {
    boolean open = true;

    @Override
    public void read(ChannelHandlerContext ctx) {
      if (open) {
        ctx.read();
      }
    }
  }

  /** Splits the server's bytes into frames. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    private final java.util.function.Supplier<@Nullable RawH2Connection> owner;
    private ByteBuf pending = Unpooled.buffer();

    Reader(java.util.function.Supplier<@Nullable RawH2Connection> owner) {
      this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      pending.writeBytes(in);
      in.release();
      deliver();
    }

    /** Hands the whole frames received so far to the connection, once it exists. */
    void deliver() {
      RawH2Connection connection = owner.get();
      while (connection != null && pending.readableBytes() >= 9) {
        int length = pending.getUnsignedMedium(pending.readerIndex());
        if (pending.readableBytes() < 9 + length) {
          break;
        }
        pending.skipBytes(3);
        int type = pending.readUnsignedByte();
        int flags = pending.readUnsignedByte();
        int stream = pending.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        pending.readBytes(payload);
        connection.received(new Frame(type, flags, stream, payload));
      }
      pending.discardReadBytes();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset by the proxy after a flood: expected here, the tests look at the close.
      ctx.close();
    }
  }
}
