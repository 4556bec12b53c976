package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.UpstreamTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 upstream connections of one event loop (backends with {@code backend-protocol: GRPC}
 * or {@code GRPCS}), per endpoint and {@link UpstreamTls}; touched only on that loop. A request
 * leases a <em>stream</em>, not a connection: each stream is a child channel speaking the same HTTP
 * objects an HTTP/1.1 connection does ({@link Http2StreamHandler}, its only step), so the
 * exchange relays it unchanged, trailers included, while the connection carries other streams.
 * The flushes of one event-loop turn, from all streams, go out in one socket write.
 *
 * <p>A new stream goes to the first connection with room (its peer's {@code
 * SETTINGS_MAX_CONCURRENT_STREAMS}, or {@value #STREAMS_BEFORE_SETTINGS} while it connects), none
 * that received or sent {@code GOAWAY}; else a new connection is opened. Streams that wait for a
 * connection being opened share its outcome: a refused connect fails them all (next endpoint, then
 * 502). In clear text the connection speaks HTTP/2 with prior knowledge (h2c); in TLS it offers
 * only {@code h2} through ALPN and refuses an endpoint that picks another protocol. A connection
 * without streams for the idle timeout closes; one the peer closes is forgotten, and its streams
 * fail like a closed HTTP/1.1 connection. A connection whose endpoint left the live snapshot (the
 * same check as the HTTP/1.1 pool's, {@link LoopPool#stillLive}, once a second while any
 * connection is open) takes no new stream and closes once its streams ended.
 *
 * <p>A stream refused by a {@code GOAWAY} that crossed its opening (its id above the frame's
 * last-stream-id), or that never went out, was never processed by the upstream: {@link
 * #neverProcessed} says so, and the exchange sends its request once more on another connection.
 */
final class Http2Upstreams implements ConnectionHome {

  private static final Logger log = LoggerFactory.getLogger(Http2Upstreams.class);

  /** Streams a connection takes before its peer's SETTINGS arrive (RFC 9113's advised minimum). */
  static final int STREAMS_BEFORE_SETTINGS = 100;
  /** The largest response header list accepted, as the HTTP/1.1 upstream head limit. */
  private static final long MAX_HEADER_LIST = 64 * 1024;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final long idleNanos;
  private final UpstreamTlsContexts tlsContexts;
  private final Map<Key, List<Link>> links = new HashMap<>();
  private final BiPredicate<Endpoint, @Nullable UpstreamTls> live;
  private boolean sweeping;

  private record Key(Endpoint endpoint, @Nullable UpstreamTls tls) {}

  Http2Upstreams(EventLoop loop, Bootstrap bootstrap, Duration idleTimeout,
      UpstreamTlsContexts tlsContexts, BiPredicate<Endpoint, @Nullable UpstreamTls> live) {
    this.live = live;
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.idleNanos = idleTimeout.toNanos();
    this.tlsContexts = tlsContexts;
  }

  EventLoop loop() {
    return loop;
  }

  /**
   * A new stream to {@code endpoint} on a connection with room, opened within {@code
   * connectTimeout} (TCP, then as long again for TLS) when none has. Completes on the loop.
   */
  Future<UpstreamConnection> acquire(Endpoint endpoint, @Nullable UpstreamTls tls,
      UpstreamListener listener, Duration connectTimeout) {
    Key key = new Key(endpoint, tls);
    List<Link> list = links.computeIfAbsent(key, k -> new ArrayList<>(1));
    for (Link link : list) {
      if (link.takesStream()) {
        return link.open(listener);
      }
    }
    Link link = new Link(key);
    list.add(link);
    Future<UpstreamConnection> stream = link.open(listener);
    connect(link, connectTimeout);
    startSweeping();
    return stream;
  }

  @Override
  public boolean neverProcessed(UpstreamConnection conn) {
    if (!(conn.channel() instanceof Http2StreamChannel stream)) {
      return false;
    }
    int id = stream.stream().id();
    if (!Http2CodecUtil.isStreamIdValid(id)) {
      return true; // its HEADERS never went out
    }
    Http2FrameCodec codec = stream.parent().pipeline().get(Http2FrameCodec.class);
    if (codec == null) {
      return false;
    }
    Http2Connection connection = codec.connection();
    return connection.goAwayReceived() && id > connection.local().lastStreamKnownByPeer();
  }

  /** While any connection is open, checks once a second whether the snapshot dropped endpoints. */
  private void startSweeping() {
    if (!sweeping) {
      sweeping = true;
      loop.schedule(this::sweep, LoopPool.SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void sweep() {
    sweeping = false;
    List<Link> departed = null;
    for (Map.Entry<Key, List<Link>> entry : links.entrySet()) {
      Key key = entry.getKey();
      if (!live.test(key.endpoint(), key.tls())) {
        if (departed == null) {
          departed = new ArrayList<>();
        }
        departed.addAll(entry.getValue());
      }
    }
    if (departed != null) {
      for (Link link : departed) {
        link.drain();
      }
    }
    if (!links.isEmpty()) {
      startSweeping();
    }
  }

  /** The exchange is done with the stream: it is closed (a reset if it had not ended). */
  @Override
  public void release(UpstreamConnection conn) {
    conn.channel().close();
  }

  @Override
  public void idleExpired(UpstreamConnection conn) {
    conn.channel().close();
  }

  /** Closes every connection (shutdown); their streams fail. */
  void closeAll() {
    List<Link> all = new ArrayList<>();
    links.values().forEach(all::addAll);
    links.clear();
    for (Link link : all) {
      link.close();
    }
  }

  private void connect(Link link, Duration connectTimeout) {
    Key key = link.key;
    Endpoint endpoint = key.endpoint();
    UpstreamTls tls = key.tls();
    long timeoutMillis = Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
    SslHandler ssl = null;
    if (tls != null) {
      try {
        ssl = tlsContexts.newHandler(tls, ByteBufAllocator.DEFAULT, endpoint.host(),
            endpoint.port(), timeoutMillis, true);
      } catch (SSLException e) {
        link.failed(e);
        return;
      }
    }
    SslHandler tlsStep = ssl;
    Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
        .initialSettings(Http2Settings.defaultSettings()
            .pushEnabled(false)
            .maxHeaderListSize(MAX_HEADER_LIST))
        .build();
    link.codec = codec;
    ChannelFuture connect = bootstrap.clone(loop)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tlsStep != null) {
              ch.pipeline().addLast("tls", tlsStep);
            }
            ch.pipeline()
                // Streams flush as they write (a request's head, then its body), each time a
                // socket write (and a TLS record): flushes of one event-loop turn go out as one.
                .addLast("flush", new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast("h2", codec)
                .addLast("h2-streams", new Http2MultiplexHandler(RefusePushedStreams.INSTANCE))
                .addLast("h2-end", ConnectionEnd.INSTANCE);
          }
        })
        .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        link.failed(f.cause());
        return;
      }
      Channel channel = connect.channel();
      if (tlsStep == null) {
        channel.closeFuture().addListener(c -> link.closed());
        link.ready(channel);
        return;
      }
      tlsStep.handshakeFuture().addListener(h -> {
        if (!h.isSuccess()) {
          channel.close();
          link.failed(UpstreamHandshakes.failure(h.cause(), endpoint, tls, timeoutMillis));
          return;
        }
        String agreed = tlsStep.engine().getApplicationProtocol();
        if (agreed != null && !agreed.isEmpty() && !agreed.equals("h2")) {
          channel.close();
          link.failed(new SSLException("TLS handshake with " + endpoint + " (name "
              + tls.serverName() + ") agreed on " + agreed + " instead of h2 (ALPN): the"
              + " endpoint does not speak HTTP/2 over TLS; if it serves HTTPS, use"
              + " backend-protocol HTTPS instead of GRPCS"));
          return;
        }
        // Watched from here on: a failed handshake also closes the channel, and its reason is
        // the one to report.
        channel.closeFuture().addListener(c -> link.closed());
        link.ready(channel);
      });
    });
  }

  /** One HTTP/2 connection and the streams it carries. */
  private final class Link {
    final Key key;
    /** Completes with the channel once streams can be opened on it, or fails. */
    final Promise<Channel> ready = loop.newPromise();
    @Nullable Http2FrameCodec codec;
    @Nullable Http2StreamChannelBootstrap streamBootstrap;
    int streams;
    long idleSince;
    boolean idleCheckScheduled;
    /** Its endpoint left the snapshot: no new stream; closes once its streams ended. */
    boolean draining;

    /** {@code host:port}, for the access log: built once per connection, not per stream. */
    final String address;

    Link(Key key) {
      this.key = key;
      this.address = key.endpoint().host() + ":" + key.endpoint().port();
    }

    boolean takesStream() {
      if (draining) {
        return false;
      }
      if (!ready.isDone()) {
        return streams < STREAMS_BEFORE_SETTINGS;
      }
      Http2FrameCodec c = codec;
      if (!ready.isSuccess() || c == null || !ready.getNow().isActive()) {
        return false;
      }
      Http2Connection connection = c.connection();
      return !connection.goAwayReceived() && !connection.goAwaySent()
          && streams < connection.local().maxActiveStreams();
    }

    Future<UpstreamConnection> open(UpstreamListener listener) {
      streams++;
      Promise<UpstreamConnection> promise = loop.newPromise();
      if (ready.isDone()) {
        openStream(listener, promise);
      } else {
        ready.addListener(f -> openStream(listener, promise));
      }
      return promise;
    }

    private void openStream(UpstreamListener listener, Promise<UpstreamConnection> promise) {
      if (!ready.isSuccess()) {
        streamEnded();
        promise.setFailure(ready.cause());
        return;
      }
      // One handler, added as is: no initializer, no pipeline to build per stream. The bootstrap
      // is the connection's (it keeps the multiplexer's context at hand); open() takes the handler
      // at once, on this loop.
      UpstreamChannelHandler handler = new Http2StreamHandler(key.tls() != null);
      Http2StreamChannelBootstrap bootstrap = streamBootstrap;
      if (bootstrap == null) {
        bootstrap = new Http2StreamChannelBootstrap(ready.getNow());
        streamBootstrap = bootstrap;
      }
      Future<Http2StreamChannel> opened = bootstrap.handler(handler).open();
      opened.addListener(f -> {
        if (!f.isSuccess()) {
          streamEnded();
          promise.setFailure(f.cause());
          return;
        }
        Http2StreamChannel stream = opened.getNow();
        UpstreamConnection conn = new UpstreamConnection(stream, key.endpoint(), key.tls(),
            Http2Upstreams.this, handler, null, address);
        stream.closeFuture().addListener(c -> {
          // Its deadline check would otherwise wait in the loop's timer queue for the whole
          // read timeout: one per call, hundreds of thousands at a few thousand calls a second.
          conn.cancelIdleTimer();
          streamEnded();
        });
        conn.lease(listener);
        promise.setSuccess(conn);
      });
    }

    void ready(Channel channel) {
      ready.trySuccess(channel);
    }

    void failed(Throwable cause) {
      ready.tryFailure(cause);
      forget();
    }

    void closed() {
      ready.tryFailure(new IOException("HTTP/2 connection to " + key.endpoint() + " closed"));
      forget();
    }

    void close() {
      if (ready.isSuccess()) {
        ready.getNow().close();
      } else {
        ready.tryFailure(new IllegalStateException("upstream pools are closed"));
      }
    }

    /** Takes no new stream from now on, and closes once its streams ended (or now). */
    void drain() {
      draining = true;
      forget();
      if (streams == 0) {
        close();
      }
    }

    private void forget() {
      List<Link> list = links.get(key);
      if (list != null && list.remove(this) && list.isEmpty()) {
        links.remove(key);
      }
    }

    private void streamEnded() {
      if (--streams == 0) {
        if (draining) {
          close();
          return;
        }
        idleSince = System.nanoTime();
        if (!idleCheckScheduled) {
          idleCheckScheduled = true;
          loop.schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
      }
    }

    private void checkIdle() {
      idleCheckScheduled = false;
      if (streams > 0 || !ready.isSuccess() || !ready.getNow().isActive()) {
        return;
      }
      long left = idleSince + idleNanos - System.nanoTime();
      if (left > 0) {
        idleCheckScheduled = true;
        loop.schedule(this::checkIdle, left, TimeUnit.NANOSECONDS);
        return;
      }
      forget();
      ready.getNow().close();
    }
  }

  /** Server push is off (SETTINGS_ENABLE_PUSH 0): a pushed stream is closed at once. */
  @Sharable
  private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
    static final RefusePushedStreams INSTANCE = new RefusePushedStreams();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }

  /** The end of a connection's pipeline: connection frames (SETTINGS, GOAWAY) and its failures. */
  @Sharable
  private static final class ConnectionEnd extends ChannelInboundHandlerAdapter {
    static final ConnectionEnd INSTANCE = new ConnectionEnd();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // Settings acknowledged and GOAWAY counted by the codec; nothing else to do with them.
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A failed handshake is reported with the attempt (the exchange logs it).
      if (!(cause instanceof IOException)
          && !(cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
        log.warn("HTTP/2 upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      }
      ctx.close();
    }
  }
}
