package dev.bollard.proxy.testing;

import dev.bollard.proxy.config.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A Netty HTTP server on 127.0.0.1 with one pluggable behaviour, for end-to-end tests.
 *
 * <p>Every response carries {@code X-Backend: <name>}. {@link #connectionsAccepted()} makes
 * keep-alive reuse observable, {@link #openConnections()} makes pool draining observable, and
 * {@link #requests()} counts request heads received.
 *
 * <pre>{@code
 * try (TestBackend a = TestBackend.start("a", TestBackend.echo())) { ... a.endpoint() ... }
 * }</pre>
 */
public final class TestBackend implements AutoCloseable {

  /** What a backend does with each connection: builds the steps after the HTTP codec. */
  @FunctionalInterface
  public interface Behaviour {
    void configure(ChannelPipeline pipeline, String name, AtomicInteger requests);
  }

  private final String name;
  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  private TestBackend(String name, Behaviour behaviour) throws InterruptedException {
    this.name = name;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    open.add(ch);
                    ch.pipeline().addLast("http", new HttpServerCodec());
                    ch.pipeline().addLast("count", new RequestCounter(requests));
                    behaviour.configure(ch.pipeline(), TestBackend.this.name, requests);
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  /** Starts a backend with the given behaviour on a free loopback port. */
  public static TestBackend start(String name, Behaviour behaviour) throws InterruptedException {
    return new TestBackend(name, behaviour);
  }

  /** The name sent in {@code X-Backend}. */
  public String name() {
    return name;
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The endpoint to put in a snapshot. */
  public Endpoint endpoint() {
    return new Endpoint("127.0.0.1", port());
  }

  /** TCP connections accepted since start. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** TCP connections open now. */
  public int openConnections() {
    return open.size();
  }

  /** Request heads received since start. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    open.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  // ---- behaviours ------------------------------------------------------------------------------

  /**
   * Answers 200 with {@code X-Echo-Method} and {@code X-Echo-Uri}; the body lists the request
   * headers as {@code name: value} lines, a blank line, then the request body (up to 16 MiB).
   */
  public static Behaviour echo() {
    return aggregated((ctx, req, name) -> {
      StringBuilder text = new StringBuilder();
      for (Map.Entry<String, String> h : req.headers()) {
        text.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
      }
      text.append('\n').append(req.content().toString(StandardCharsets.UTF_8));
      FullHttpResponse response = text(HttpResponseStatus.OK, text.toString(), name);
      response.headers().set("X-Echo-Method", req.method().name());
      response.headers().set("X-Echo-Uri", req.uri());
      return CompletableFuture.completedFuture(response);
    });
  }

  /**
   * Answers every request with {@code status}, an empty body and the headers {@code headers}
   * (name, value, name, value, ...; a name may repeat).
   */
  public static Behaviour withHeaders(int status, String... headers) {
    return aggregated((ctx, req, name) -> {
      FullHttpResponse response = text(HttpResponseStatus.valueOf(status), "", name);
      for (int i = 0; i + 1 < headers.length; i += 2) {
        response.headers().add(headers[i], headers[i + 1]);
      }
      return CompletableFuture.completedFuture(response);
    });
  }

  /** Answers every request with {@code status} and a plain-text body. */
  public static Behaviour fixed(int status, String body) {
    return aggregated((ctx, req, name) -> CompletableFuture.completedFuture(
        text(HttpResponseStatus.valueOf(status), body, name)));
  }

  /**
   * Answers the first request of each connection 200 (keep-alive) and closes the connection on
   * the next one without answering: a pooled connection the backend dropped just as it was reused.
   */
  public static Behaviour closesReusedConnections() {
    io.netty.util.AttributeKey<Boolean> answered =
        io.netty.util.AttributeKey.valueOf("bollard-test-answered");
    return aggregated((ctx, req, name) -> ctx.channel().attr(answered).getAndSet(true) == null
        ? CompletableFuture.completedFuture(text(HttpResponseStatus.OK, "first", name))
        : CompletableFuture.failedFuture(new IllegalStateException("reused")));
  }

  /** Answers 200 with {@code body} once {@code gate} completes (a slow backend under control). */
  public static Behaviour gated(CompletionStage<?> gate, String body) {
    return aggregated((ctx, req, name) ->
        gate.thenApply(x -> text(HttpResponseStatus.OK, body, name)).toCompletableFuture());
  }

  /** Reads requests and never answers. */
  public static Behaviour silent() {
    return (pipeline, name, requests) ->
        pipeline.addLast("silent", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
          }
        });
  }

  /**
   * Answers 200 with a body of {@code length} bytes generated on the fly (byte {@code i} is
   * {@code i % 251}), chunked, honouring backpressure.
   */
  public static Behaviour streaming(long length) {
    return (pipeline, name, requests) -> {
      pipeline.addLast("chunked", new ChunkedWriteHandler());
      pipeline.addLast("stream", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof HttpRequest) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            head.headers().set("X-Backend", name);
            ctx.write(head);
            ctx.writeAndFlush(new HttpChunkedInput(new PatternInput(length)));
          }
          ReferenceCountUtil.release(msg);
        }
      });
    };
  }

  /**
   * Consumes the request body as it streams in and answers {@code received <bytes> crc <crc32>}:
   * nothing is kept, so bodies larger than the heap pass.
   */
  public static Behaviour countingSink() {
    return (pipeline, name, requests) ->
        pipeline.addLast("sink", new ChannelInboundHandlerAdapter() {
          private long bytes;
          private final CRC32 crc = new CRC32();

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
              bytes = 0;
              crc.reset();
            }
            if (msg instanceof HttpContent content) {
              ByteBuf buf = content.content();
              bytes += buf.readableBytes();
              crc.update(buf.nioBuffer());
              if (msg instanceof LastHttpContent) {
                ctx.writeAndFlush(text(HttpResponseStatus.OK,
                    "received " + bytes + " crc " + crc.getValue(), name));
              }
            }
            ReferenceCountUtil.release(msg);
          }
        });
  }

  /** A WebSocket server on any path that echoes text frames. */
  public static Behaviour webSocketEcho() {
    return (pipeline, name, requests) -> {
      pipeline.addLast("aggregate", new HttpObjectAggregator(64 * 1024));
      pipeline.addLast("ws", new WebSocketServerProtocolHandler(
          WebSocketServerProtocolConfig.newBuilder().websocketPath("/").checkStartsWith(true)
              .build()));
      pipeline.addLast("echo", new SimpleChannelInboundHandler<TextWebSocketFrame>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
          ctx.writeAndFlush(new TextWebSocketFrame(name + ":" + frame.text()));
        }
      });
    };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** Builds a response from a whole request. */
  @FunctionalInterface
  private interface Responder {
    CompletableFuture<FullHttpResponse> respond(
        ChannelHandlerContext ctx, FullHttpRequest request, String name);
  }

  private static Behaviour aggregated(Responder responder) {
    return (pipeline, name, requests) -> {
      pipeline.addLast("aggregate", new HttpObjectAggregator(16 * 1024 * 1024));
      pipeline.addLast("respond", new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          boolean keepAlive = HttpUtil.isKeepAlive(req);
          responder.respond(ctx, req.retain(), name).whenComplete((response, error) -> {
            req.release();
            ctx.executor().execute(() -> {
              if (error != null) {
                ctx.close();
                return;
              }
              // A hop-by-hop header named in Connection: the proxy must not pass it on.
              response.headers().set(HttpHeaderNames.CONNECTION,
                  (keepAlive ? "keep-alive" : "close") + ", X-Hop-Secret");
              if (keepAlive) {
                ctx.writeAndFlush(response);
              } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
              }
            });
          });
        }
      });
    };
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body, String name) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set("X-Backend", name)
        .set("X-Hop-Secret", "must-not-reach-the-client")
        .set("Keep-Alive", "timeout=5");
    return response;
  }

  private static final class RequestCounter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger requests;

    RequestCounter(AtomicInteger requests) {
      this.requests = requests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        requests.incrementAndGet();
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Generates {@code i % 251} bytes in 64 KiB chunks. */
  static final class PatternInput implements ChunkedInput<ByteBuf> {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] PATTERN = new byte[251 * 300];

    static {
      for (int i = 0; i < PATTERN.length; i++) {
        PATTERN[i] = (byte) (i % 251);
      }
    }

    private final long length;
    private long offset;

    PatternInput(long length) {
      this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
      return offset >= length;
    }

    @Override
    public void close() {}

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
      return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
      int n = (int) Math.min(CHUNK, length - offset);
      ByteBuf buf = allocator.buffer(n);
      buf.writeBytes(PATTERN, (int) (offset % 251), n);
      offset += n;
      return buf;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public long progress() {
      return offset;
    }
  }
}
