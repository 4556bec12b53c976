package dev.bollard.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.testing.Snapshots;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 upstream pool on its own, against a Netty HTTP/2 server (h2c) that answers each
 * stream with the number of the connection it came on: streams share a connection, the peer's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} opens another, {@code GOAWAY} retires one, a stream
 * reads its response (with trailers) as HTTP objects, and a connection whose endpoint left the
 * live snapshot takes no new stream and closes once its streams ended (long before its idle
 * timeout).
 */
class Http2UpstreamsTest {

  private static final Duration CONNECT = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(15);

  private MultiThreadIoEventLoopGroup group;
  private EventLoop loop;
  private UpstreamPools pools;
  private Channel server;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean goAwayAfterAnswer;
  /** The snapshot the pools see as live: {@link #serve} lists its endpoint there. */
  private volatile RoutingSnapshot live = RoutingSnapshot.EMPTY;
  /** The server's side of each connection, by number. */
  private final Map<Integer, Channel> accepted = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    loop = group.next();
    pools = new UpstreamPools(NioSocketChannel.class, NioDatagramChannel.class,
        Duration.ofSeconds(30), () -> live);
  }

  @AfterEach
  void stop() throws Exception {
    pools.close();
    if (server != null) {
      server.close().sync();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void sequentialStreamsShareOneConnectionAndReadTrailers() throws Exception {
    Endpoint endpoint = serve(100);
    for (int i = 0; i < 5; i++) {
      Call call = call(endpoint);
      assertThat(call.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=1");
      assertThat(call.trailer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
      release(call);
    }
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void thePeersStreamLimitOpensAnotherConnection() throws Exception {
    Endpoint endpoint = serve(1);
    Call first = call(endpoint, false);
    assertThat(first.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=1");
    // The first stream is still open (its request did not end): its connection has no room.
    Call second = call(endpoint, false);
    assertThat(second.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=2");
    release(first);
    release(second);
  }

  @Test
  void aConnectionThatSentGoAwayTakesNoNewStream() throws Exception {
    Endpoint endpoint = serve(100);
    goAwayAfterAnswer = true;
    Call first = call(endpoint);
    assertThat(first.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=1");
    release(first);
    goAwayAfterAnswer = false;
    // The GOAWAY follows the answer on the same connection: wait until the pool has seen it.
    // (A stream opened before it arrived may be refused: such a try counts as not yet.)
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
        .until(() -> {
          Call next = call(endpoint);
          String body = next.body.get(WAIT.toSeconds(), TimeUnit.SECONDS);
          release(next);
          return body.equals("conn=2");
        });
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void anIdleConnectionToAnEndpointThatLeftTheSnapshotClosesBeforeItsIdleTimeout()
      throws Exception {
    Endpoint endpoint = serve(100);
    Call call = call(endpoint);
    assertThat(call.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=1");
    release(call);
    live = RoutingSnapshot.EMPTY;
    // The idle timeout is 30 s: the connection closes on the pool's next check (once a second).
    await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.get(1).isActive());
  }

  @Test
  void aConnectionToAnEndpointThatLeftTheSnapshotTakesNoNewStreamAndClosesWhenItsStreamsEnd()
      throws Exception {
    Endpoint endpoint = serve(100);
    Call open = call(endpoint, false);
    assertThat(open.body.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("conn=1");
    live = RoutingSnapshot.EMPTY;
    // Connection 1 has room for 99 more streams, yet once the pool saw the snapshot a new stream
    // (a request that still had the old snapshot) goes to a new connection.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Call next = call(endpoint);
      String body = next.body.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      release(next);
      return !body.equals("conn=1");
    });
    // Its stream still runs: connection 1 stays open until the request ends.
    assertThat(accepted.get(1).isActive()).isTrue();
    loop.submit(() -> open.conn.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.get(1).isActive());
  }

  @Test
  void aRefusedConnectionFailsTheStream() throws Exception {
    Endpoint endpoint;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      endpoint = new Endpoint("127.0.0.1", s.getLocalPort());
    }
    Future<UpstreamConnection> f = loop.submit(() -> pools.acquire(loop, endpoint, null, true,
        new Call(), CONNECT)).get().await();
    assertThat(f.isSuccess()).isFalse();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** One stream's listener: the body and the trailer {@code x-end} of its response. */
  private static final class Call implements UpstreamListener {
    final CompletableFuture<String> body = new CompletableFuture<>();
    final CompletableFuture<String> trailer = new CompletableFuture<>();
    final StringBuilder text = new StringBuilder();
    volatile UpstreamConnection conn;

    @Override
    public void onUpstreamRead(Object msg) {
      try {
        if (msg instanceof HttpResponse response) {
          assertThat(response.status().code()).isEqualTo(200);
        }
        if (msg instanceof HttpContent content) {
          text.append(content.content().toString(StandardCharsets.UTF_8));
          if (msg instanceof LastHttpContent last) {
            trailer.complete(last.trailingHeaders().get("x-end"));
            body.complete(text.toString());
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void onUpstreamWritabilityChanged() {}

    @Override
    public void onUpstreamClosed(boolean failed) {
      body.completeExceptionally(new IllegalStateException("closed, failed=" + failed));
    }
  }

  private Call call(Endpoint endpoint) throws Exception {
    return call(endpoint, true);
  }

  /** A POST on a new stream; without {@code end} its request stays open (the stream active). */
  private Call call(Endpoint endpoint, boolean end) throws Exception {
    Call call = new Call();
    loop.submit(() -> pools.acquire(loop, endpoint, null, true, call, CONNECT)
        .addListener(f -> {
          if (!f.isSuccess()) {
            call.body.completeExceptionally(f.cause());
            return;
          }
          UpstreamConnection conn = (UpstreamConnection) f.getNow();
          call.conn = conn;
          DefaultHttpRequest request =
              new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/method");
          request.headers().set(HttpHeaderNames.HOST, "backend");
          conn.channel().write(request);
          conn.channel().writeAndFlush(end
              ? new io.netty.handler.codec.http.DefaultLastHttpContent(
                  Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8))
              : new io.netty.handler.codec.http.DefaultHttpContent(
                  Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8)));
        })).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return call;
  }

  private void release(Call call) throws Exception {
    loop.submit(() -> call.conn.release()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Starts the h2c server allowing {@code maxStreams} concurrent streams per connection. */
  private Endpoint serve(int maxStreams) throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            int number = connections.incrementAndGet();
            accepted.put(number, ch);
            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                    .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(maxStreams))
                    .build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    // Answers on the request's head: the request may stay open.
                    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new SimpleChannelInboundHandler<HttpObject>() {
                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                            if (!(msg instanceof HttpRequest)) {
                              return;
                            }
                            FullHttpResponse response = new DefaultFullHttpResponse(
                                HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                Unpooled.copiedBuffer("conn=" + number, StandardCharsets.UTF_8));
                            response.trailingHeaders().set("x-end", "done");
                            ctx.writeAndFlush(response);
                            if (goAwayAfterAnswer) {
                              ctx.channel().parent().writeAndFlush(
                                  new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                            }
                          }
                        });
                  }
                }));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    Endpoint endpoint =
        new Endpoint("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    live = Snapshots.of(Snapshots.host("backend", Snapshots.backend("b", endpoint)
        .withHttp2(true)));
    return endpoint;
  }
}
