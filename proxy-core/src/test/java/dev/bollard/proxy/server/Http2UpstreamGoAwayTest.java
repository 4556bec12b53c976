package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code GOAWAY} that crosses a stream's opening on an HTTP/2 upstream connection ({@code
 * backend-protocol: GRPC}): the upstream (a Netty h2c server the test controls) answers the first
 * request of its first connection, then meets the second stream there with a {@code GOAWAY} whose
 * last-stream-id is chosen by the test, written under its HTTP/2 codec so that it goes out exactly
 * then. A stream above the last-stream-id was never processed: the proxy sends the request, a
 * {@code POST} with a body, once more on a new connection, and the client never sees the refusal. A
 * stream the {@code GOAWAY} counts as processed is not sent again (the upstream may have acted on
 * it): the client gets 502.
 */
class Http2UpstreamGoAwayTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private MultiThreadIoEventLoopGroup group;
  private Channel server;
  private ProxyServer proxy;
  private final AtomicInteger connections = new AtomicInteger();
  /** Each request the upstream read: {@code conn=N stream=M body=...}. */
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Map<Integer, Channel> connectionChannels = new ConcurrentHashMap<>();
  /**
   * Whether the GOAWAY that meets the second stream of connection 1 counts it as processed (its
   * last-stream-id is that stream's), else it names the first stream only.
   */
  private volatile boolean goAwayCoversIt;

  @BeforeEach
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Endpoint endpoint = serve();
    // One event loop: one HTTP/2 upstream pool, so the second request meets the first connection.
    ServerSettings s = ProxyFixture.testSettings();
    proxy = ProxyServer.start(new ServerSettings(s.bind(), 1, s.maxHeaderBytes(),
        s.maxUriBytes(), s.maxHeaderCount(), s.shutdownGrace(), s.upstreamIdleTimeout()), routes);
    routes.publish(Snapshots.of(host("grpc.test",
        new Backend("test/grpc:50051", List.of(endpoint)).withHttp2(true))));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close().sync();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void aStreamTheGoAwayLeftUnprocessedGoesAgainOnANewConnection() throws Exception {
    goAwayCoversIt = false;
    try (RawHttpConnection c = RawHttpConnection.open(proxy.port())) {
      assertThat(post(c, "first").text()).isEqualTo("conn=1 body=first");
      RawResponse second = post(c, "second");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("conn=2 body=second");
    }
    // The second stream reached connection 1 only to be refused; its body went whole to
    // connection 2.
    assertThat(seen).containsExactly("conn=1 body=first", "conn=1 refused",
        "conn=2 body=second");
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void aStreamTheGoAwayCountsAsProcessedIsNotSentAgain() throws Exception {
    goAwayCoversIt = true;
    try (RawHttpConnection c = RawHttpConnection.open(proxy.port())) {
      assertThat(post(c, "first").text()).isEqualTo("conn=1 body=first");
      c.send(request("second"));
      // The upstream holds stream 3, then drops the connection: whatever it did with it, the
      // request may have had its effect, and a POST is not sent again.
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("conn=1 refused"));
      connectionChannels.get(1).close();
      assertThat(c.read().status()).isEqualTo(502);
    }
    assertThat(connections.get()).isEqualTo(1);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static RawResponse post(RawHttpConnection c, String body) throws Exception {
    return c.send(request(body)).read();
  }

  private static String request(String body) {
    return "POST /svc/Method HTTP/1.1\r\nHost: grpc.test\r\nContent-Type: text/plain\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /**
   * The h2c upstream: each connection numbered from 1; a stream's request answered with its
   * connection number and body, except the second stream of connection 1, met by a GOAWAY written
   * straight to the socket (under the codec, which would put its own last-stream-id in it).
   */
  private Endpoint serve() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            int number = connections.incrementAndGet();
            connectionChannels.put(number, ch);
            AtomicInteger firstStream = new AtomicInteger();
            ch.pipeline()
                .addLast("raw", new ChannelOutboundHandlerAdapter())
                .addLast(Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    int id = stream.stream().id();
                    firstStream.compareAndSet(0, id);
                    if (number == 1 && id != firstStream.get()) {
                      seen.add("conn=1 refused");
                      ChannelHandlerContext raw = ch.pipeline().context("raw");
                      new DefaultHttp2FrameWriter().writeGoAway(raw,
                          goAwayCoversIt ? id : firstStream.get(),
                          Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, raw.newPromise());
                      raw.flush();
                      return;
                    }
                    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(1 << 16),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx,
                              FullHttpRequest msg) {
                            String body = msg.content().toString(StandardCharsets.UTF_8);
                            seen.add("conn=" + number + " body=" + body);
                            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                HttpResponseStatus.OK, Unpooled.copiedBuffer(
                                    "conn=" + number + " body=" + body, StandardCharsets.UTF_8)));
                          }
                        });
                  }
                }));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    return new Endpoint("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
  }
}
