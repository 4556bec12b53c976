package dev.bollard.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 client over TLS (ALPN {@code h2}, any certificate trusted) on Netty's frame codec:
 * one connection, any number of concurrent streams, each a {@link Response} future.
 */
public final class H2Client implements AutoCloseable {

  private static final int CHUNK = 16 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;
  private final CompletableFuture<Http2GoAwayFrame> goAway;

  private H2Client(EventLoopGroup group, Channel channel,
      CompletableFuture<Http2GoAwayFrame> goAway) {
    this.group = group;
    this.channel = channel;
    this.goAway = goAway;
  }

  /** A response: its head, its body, its trailers (or {@code null}). */
  public record Response(Http2Headers headers, byte[] body, @Nullable Http2Headers trailers) {
    public int status() {
      return Integer.parseInt(headers.status().toString());
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The stream was reset by the server. */
  public static final class StreamReset extends RuntimeException {
    private final long errorCode;

    StreamReset(long errorCode) {
      super("RST_STREAM " + errorCode);
      this.errorCode = errorCode;
    }

    public long errorCode() {
      return errorCode;
    }
  }

  /** Connects to 127.0.0.1:{@code port} naming {@code sni} (none if null), ALPN {@code h2}. */
  public static H2Client connect(int port, @Nullable String sni) throws Exception {
    return connect(port, sni, Http2Settings.defaultSettings());
  }

  /** As {@link #connect(int, String)}, sending {@code settings}. */
  public static H2Client connect(int port, @Nullable String sni, Http2Settings settings)
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
    CompletableFuture<Http2GoAwayFrame> goAway = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler ssl = sni == null
                ? tls.newHandler(c.alloc())
                : tls.newHandler(c.alloc(), sni, port);
            c.pipeline().addLast(ssl);
            c.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings)
                .build());
            c.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2GoAwayFrame frame) {
                  goAway.complete(frame.retain());
                }
                ReferenceCountUtil.release(msg);
              }
            });
          }
        })
        .connect("127.0.0.1", port).sync().channel();
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    ssl.handshakeFuture().sync();
    if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
      ch.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("server chose ALPN " + ssl.applicationProtocol());
    }
    return new H2Client(group, ch, goAway);
  }

  /** Request headers for {@code method} {@code path} on {@code authority}, scheme https. */
  public static Http2Headers headers(String method, String authority, String path) {
    return new DefaultHttp2Headers().method(method).scheme("https").authority(authority)
        .path(path);
  }

  /** A GET of {@code path} on {@code authority}. */
  public CompletableFuture<Response> get(String authority, String path) {
    return send(headers("GET", authority, path), null);
  }

  /** Sends {@code headers} and {@code body} (none if null) on a new stream. */
  public CompletableFuture<Response> send(Http2Headers headers, byte @Nullable [] body) {
    CompletableFuture<Response> response = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(channel).handler(new Collector(response)).open()
        .addListener(f -> {
          if (!f.isSuccess()) {
            response.completeExceptionally(f.cause());
            return;
          }
          Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
          boolean empty = body == null || body.length == 0;
          stream.write(new DefaultHttp2HeadersFrame(headers, empty));
          if (!empty) {
            for (int at = 0; at < body.length; at += CHUNK) {
              int n = Math.min(CHUNK, body.length - at);
              stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body, at, n),
                  at + n == body.length));
            }
          }
          stream.flush();
        });
    return response;
  }

  /** Completes with the server's GOAWAY. */
  public CompletableFuture<Http2GoAwayFrame> goAway() {
    return goAway;
  }

  /** The connection. */
  public Channel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Collects one stream's response. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Response> response;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private @Nullable Http2Headers head;

    Collector(CompletableFuture<Response> response) {
      this.response = response;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame frame) {
          CharSequence status = frame.headers().status();
          if (head == null && status != null && status.charAt(0) == '1') {
            return; // interim
          }
          if (head == null) {
            head = frame.headers();
            if (frame.isEndStream()) {
              response.complete(new Response(head, body.toByteArray(), null));
            }
          } else {
            response.complete(new Response(head, body.toByteArray(), frame.headers()));
          }
        } else if (msg instanceof Http2DataFrame frame) {
          ByteBuf data = frame.content();
          byte[] bytes = new byte[data.readableBytes()];
          data.readBytes(bytes);
          body.write(bytes, 0, bytes.length);
          if (frame.isEndStream() && head != null) {
            response.complete(new Response(head, body.toByteArray(), null));
          }
        } else if (msg instanceof Http2ResetFrame reset) {
          response.completeExceptionally(new StreamReset(reset.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      response.completeExceptionally(new IllegalStateException("stream closed without response"));
      ctx.fireChannelInactive();
    }
  }
}
