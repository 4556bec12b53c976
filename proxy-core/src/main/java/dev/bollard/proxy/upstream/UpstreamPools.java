package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.UpstreamTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Keep-alive upstream connections, pooled per event loop and endpoint (and, for TLS, per {@link
 * UpstreamTls}: a connection opened for one TLS configuration never serves another).
 *
 * <p>A connection is opened on the event loop of the client it serves and only ever pooled and
 * reused there, so a request never hands a connection across threads. Pools of endpoints that are
 * no longer in the live snapshot drain: their idle connections close, and leased ones close instead
 * of coming back; an HTTP/2 connection to such an endpoint takes no new stream and closes once its
 * streams ended.
 */
public final class UpstreamPools implements AutoCloseable {

  private final Bootstrap bootstrap;
  private final DnsAddressResolverGroup resolvers;
  private final Duration idleTimeout;
  private final Supplier<RoutingSnapshot> liveSnapshot;
  private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
  private final Map<EventLoop, Http2Upstreams> http2 = new ConcurrentHashMap<>();
  private final UpstreamTlsContexts tlsContexts = new UpstreamTlsContexts();
  private volatile boolean closed;

  /**
   * @param channelClass socket channel class matching the event loops' transport
   * @param datagramChannelClass datagram channel class of the same transport, for DNS look-ups of
   *     {@code ExternalName} hosts (asynchronous, on the event loop; IP literals need none)
   * @param idleTimeout pooled connections unused this long are closed
   * @param liveSnapshot the snapshot currently served, to find endpoints that left it
   */
  public UpstreamPools(
      Class<? extends Channel> channelClass,
      Class<? extends DatagramChannel> datagramChannelClass,
      Duration idleTimeout,
      Supplier<RoutingSnapshot> liveSnapshot) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
    }
    this.resolvers =
        new DnsAddressResolverGroup(
            new DnsNameResolverBuilder().datagramChannelType(datagramChannelClass));
    this.bootstrap =
        new Bootstrap()
            .channel(channelClass)
            .resolver(resolvers)
            .option(ChannelOption.TCP_NODELAY, true);
    this.idleTimeout = idleTimeout;
    this.liveSnapshot = liveSnapshot;
  }

  /**
   * The backend's endpoints in the order to try them: round-robin per event loop, each once.
   * Call on {@code loop}.
   */
  public List<Endpoint> tryOrder(EventLoop loop, Backend backend) {
    return pool(loop).tryOrder(backend);
  }

  /**
   * The backend's endpoints in the order to try them, each once: {@code pinned} first when it is
   * one of them (a sticky session, {@code upstream-hash-by}), the others in the order {@code
   * balance} gives on {@code loop}. Call on {@code loop}.
   */
  public List<Endpoint> tryOrder(EventLoop loop, Backend backend, LoadBalance balance,
      @Nullable Endpoint pinned) {
    return pool(loop).tryOrder(backend, balance, pinned);
  }

  /**
   * The record of {@code endpoint}'s tries in flight and latency on {@code loop}, which the {@code
   * ewma} and {@code least_conn} balancers read: an exchange of a route balanced by one of them
   * reports each try's start and end there. Call on {@code loop}.
   */
  public EndpointLoad load(EventLoop loop, Endpoint endpoint) {
    return pool(loop).load(endpoint);
  }

  /**
   * Leases an idle pooled connection to {@code endpoint} (speaking {@code tls}, or plain HTTP for
   * {@code null}) or opens one on {@code loop} within {@code connectTimeout} (the active config
   * version's; a TLS handshake gets as long again). Call on {@code loop}; the future completes
   * there, failed when the connection or its handshake failed.
   */
  public Future<UpstreamConnection> acquire(EventLoop loop, Endpoint endpoint,
      @Nullable UpstreamTls tls, UpstreamListener listener, Duration connectTimeout) {
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    return pool(loop).acquire(endpoint, tls, listener, connectTimeout);
  }

  /**
   * As {@link #acquire(EventLoop, Endpoint, UpstreamTls, UpstreamListener, Duration)}, or with
   * {@code http2} a new stream on an HTTP/2 connection to {@code endpoint} ({@code GRPC}, {@code
   * GRPCS} backends): one with room, else a new one. The stream's channel takes and gives the same
   * HTTP objects as an HTTP/1.1 connection; releasing it ends the stream.
   */
  public Future<UpstreamConnection> acquire(EventLoop loop, Endpoint endpoint,
      @Nullable UpstreamTls tls, boolean http2, UpstreamListener listener,
      Duration connectTimeout) {
    if (!http2) {
      return acquire(loop, endpoint, tls, listener, connectTimeout);
    }
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    return this.http2.computeIfAbsent(loop,
            l -> new Http2Upstreams(l, bootstrap, idleTimeout, tlsContexts, pool(l)::stillLive))
        .acquire(endpoint, tls, listener, connectTimeout);
  }

  /**
   * Opens a new connection within {@code connectTimeout} even when idle ones exist (retry after a
   * stale pooled one).
   */
  public Future<UpstreamConnection> connect(EventLoop loop, Endpoint endpoint,
      @Nullable UpstreamTls tls, UpstreamListener listener, Duration connectTimeout) {
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    return pool(loop).connect(endpoint, tls, listener, connectTimeout);
  }

  /**
   * Opens a new TCP connection to {@code endpoint} on {@code loop} that no pool ever sees, with
   * {@code handler} as its only step: for byte relays (SSL passthrough), which own the connection
   * and close it. Host names resolve as for pooled connections; {@code connectTimeout} bounds the
   * TCP connect. The channel starts with {@code autoRead} off: the caller turns reading on when it
   * can take the bytes.
   */
  public Future<Channel> openTunnel(
      EventLoop loop, Endpoint endpoint, Duration connectTimeout, ChannelHandler handler) {
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    Promise<Channel> opened = loop.newPromise();
    ChannelFuture connect = bootstrap.clone(loop)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())))
        .option(ChannelOption.AUTO_READ, false)
        .handler(handler)
        .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    connect.addListener(f -> {
      if (f.isSuccess()) {
        opened.setSuccess(connect.channel());
      } else {
        opened.setFailure(f.cause());
      }
    });
    return opened;
  }

  /** Closes every idle connection; leased ones close when released. */
  @Override
  public void close() {
    closed = true;
    for (LoopPool pool : pools.values()) {
      if (!pool.loop().isShuttingDown()) {
        pool.loop().execute(pool::closeAll);
      }
    }
    for (Http2Upstreams pool : http2.values()) {
      if (!pool.loop().isShuttingDown()) {
        pool.loop().execute(pool::closeAll);
      }
    }
    resolvers.close();
  }

  boolean isClosed() {
    return closed;
  }

  private LoopPool pool(EventLoop loop) {
    return pools.computeIfAbsent(
        loop,
        l -> new LoopPool(l, bootstrap, idleTimeout, liveSnapshot, this::isClosed, tlsContexts));
  }
}
