package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.config.VirtualHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The idle connections and load balancing ({@link Balancer}) of one event loop; touched only on
 * it. Idle connections are kept per endpoint, and those speaking TLS per endpoint and {@link
 * UpstreamTls}: a connection is only ever reused for the configuration it was opened with.
 */
final class LoopPool implements ConnectionHome {

  /** How often pooled connections are checked against the live snapshot. */
  static final long SWEEP_MILLIS = 1000;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final long idleNanos;
  private final Supplier<RoutingSnapshot> liveSnapshot;
  private final BooleanSupplier closed;
  private final UpstreamTlsContexts tlsContexts;
  /** Idle plain-HTTP connections by endpoint. */
  private final Map<Endpoint, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  /** Idle TLS connections by configuration, then endpoint. */
  private final Map<UpstreamTls, Map<Endpoint, ArrayDeque<UpstreamConnection>>> idleTls =
      new HashMap<>();
  private final Balancer balancer =
      new Balancer(System::nanoTime, bound -> ThreadLocalRandom.current().nextInt(bound));
  private @Nullable RoutingSnapshot seen;
  private Set<Endpoint> liveEndpoints = Set.of();
  private Map<UpstreamTls, Set<Endpoint>> liveTls = Map.of();
  private boolean sweeping;

  LoopPool(
      EventLoop loop,
      Bootstrap bootstrap,
      Duration idleTimeout,
      Supplier<RoutingSnapshot> liveSnapshot,
      BooleanSupplier closed,
      UpstreamTlsContexts tlsContexts) {
    this.tlsContexts = tlsContexts;
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.idleNanos = idleTimeout.toNanos();
    this.liveSnapshot = liveSnapshot;
    this.closed = closed;
  }

  EventLoop loop() {
    return loop;
  }

  List<Endpoint> tryOrder(Backend backend) {
    return balancer.tryOrder(backend, LoadBalance.ROUND_ROBIN, null);
  }

  /**
   * The backend's endpoints in the order to try them, each once: {@code pinned} first when it is
   * one of them, the others (or all) in the order {@code balance} gives ({@link Balancer}).
   */
  List<Endpoint> tryOrder(Backend backend, LoadBalance balance, @Nullable Endpoint pinned) {
    return balancer.tryOrder(backend, balance, pinned);
  }

  /** This loop's load record of {@code endpoint} ({@link Balancer#load}). */
  EndpointLoad load(Endpoint endpoint) {
    return balancer.load(endpoint);
  }

  Future<UpstreamConnection> acquire(Endpoint endpoint, @Nullable UpstreamTls tls,
      UpstreamListener listener, Duration connectTimeout) {
    ArrayDeque<UpstreamConnection> queue = idleQueue(endpoint, tls);
    while (queue != null && !queue.isEmpty()) {
      UpstreamConnection conn = queue.pollFirst();
      if (conn.channel().isActive() && conn.isClean()) {
        conn.lease(listener);
        return loop.newSucceededFuture(conn);
      }
      conn.cancelIdleTimer();
      conn.channel().close();
    }
    return connect(endpoint, tls, listener, connectTimeout);
  }

  /**
   * Opens a connection; with {@code tls}, it is handed out only after the TLS handshake succeeded
   * (a failed handshake fails the attempt like a refused connection).
   *
   * @param connectTimeout the bound of the TCP connect, and then of the TLS handshake
   */
  Future<UpstreamConnection> connect(Endpoint endpoint, @Nullable UpstreamTls tls,
      UpstreamListener listener, Duration connectTimeout) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    long timeoutMillis = Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
    SslHandler ssl = null;
    if (tls != null) {
      try {
        ssl = tlsContexts.newHandler(tls, ByteBufAllocator.DEFAULT, endpoint.host(),
            endpoint.port(), timeoutMillis);
      } catch (SSLException e) {
        return promise.setFailure(e);
      }
    }
    SslHandler tlsStep = ssl;
    UpstreamChannelHandler handler = new UpstreamChannelHandler();
    UpstreamCodec codec = new UpstreamCodec(upstreamDecoderConfig());
    Bootstrap b = bootstrap.clone(loop);
    b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis);
    ChannelFuture connect =
        b
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tlsStep != null) {
                      ch.pipeline().addLast("tls", tlsStep);
                    }
                    ch.pipeline()
                        .addLast("http", codec)
                        .addLast("relay", handler);
                  }
                })
            .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            promise.setFailure(f.cause());
          } else if (tlsStep == null) {
            opened(connect.channel(), endpoint, null, handler, codec, listener, promise);
          } else {
            tlsStep.handshakeFuture().addListener(h -> {
              if (h.isSuccess()) {
                opened(connect.channel(), endpoint, tls, handler, codec, listener, promise);
              } else {
                connect.channel().close();
                promise.setFailure(
                    UpstreamHandshakes.failure(h.cause(), endpoint, tls, timeoutMillis));
              }
            });
          }
        });
    return promise;
  }

  private void opened(Channel channel, Endpoint endpoint, @Nullable UpstreamTls tls,
      UpstreamChannelHandler handler, UpstreamCodec codec, UpstreamListener listener,
      Promise<UpstreamConnection> promise) {
    UpstreamConnection conn = new UpstreamConnection(channel, endpoint, tls, this, handler, codec);
    channel.closeFuture().addListener(c -> {
      conn.cancelIdleTimer();
      forget(conn);
    });
    conn.lease(listener);
    promise.setSuccess(conn);
  }

  @Override
  public void release(UpstreamConnection conn) {
    refreshLiveEndpoints();
    if (closed.getAsBoolean()
        || !conn.channel().isActive()
        || !conn.isClean()
        || !isLive(conn.endpoint(), conn.tls())) {
      conn.channel().close();
      return;
    }
    UpstreamTls tls = conn.tls();
    Map<Endpoint, ArrayDeque<UpstreamConnection>> queues =
        tls == null ? idle : idleTls.computeIfAbsent(tls, t -> new HashMap<>());
    queues.computeIfAbsent(conn.endpoint(), e -> new ArrayDeque<>()).addFirst(conn);
    conn.idleFor(idleNanos);
    startSweeping();
  }

  void closeAll() {
    List<ArrayDeque<UpstreamConnection>> queues = new ArrayList<>(idle.values());
    idle.clear();
    for (Map<Endpoint, ArrayDeque<UpstreamConnection>> byEndpoint : idleTls.values()) {
      queues.addAll(byEndpoint.values());
    }
    idleTls.clear();
    for (ArrayDeque<UpstreamConnection> queue : queues) {
      for (UpstreamConnection conn : queue) {
        conn.cancelIdleTimer();
        conn.channel().close();
      }
    }
  }

  @Override
  public void idleExpired(UpstreamConnection conn) {
    if (forget(conn)) {
      conn.channel().close();
    }
  }

  private boolean forget(UpstreamConnection conn) {
    UpstreamTls tls = conn.tls();
    Map<Endpoint, ArrayDeque<UpstreamConnection>> queues = tls == null ? idle : idleTls.get(tls);
    ArrayDeque<UpstreamConnection> queue = queues == null ? null : queues.get(conn.endpoint());
    if (queue == null || !queue.remove(conn)) {
      return false;
    }
    conn.cancelIdleTimer();
    if (queue.isEmpty()) {
      queues.remove(conn.endpoint());
      if (tls != null && queues.isEmpty()) {
        idleTls.remove(tls);
      }
    }
    return true;
  }

  private @Nullable ArrayDeque<UpstreamConnection> idleQueue(Endpoint endpoint,
      @Nullable UpstreamTls tls) {
    if (tls == null) {
      return idle.get(endpoint);
    }
    Map<Endpoint, ArrayDeque<UpstreamConnection>> byEndpoint = idleTls.get(tls);
    return byEndpoint == null ? null : byEndpoint.get(endpoint);
  }

  /**
   * Whether the snapshot served now lists {@code endpoint} for {@code tls} (or, with {@code null},
   * for plain connections) and the pools are open: the same rule for this loop's HTTP/2
   * connections ({@link Http2Upstreams}) as for its HTTP/1.1 ones.
   */
  boolean stillLive(Endpoint endpoint, @Nullable UpstreamTls tls) {
    refreshLiveEndpoints();
    return !closed.getAsBoolean() && isLive(endpoint, tls);
  }

  private boolean isLive(Endpoint endpoint, @Nullable UpstreamTls tls) {
    if (tls == null) {
      return liveEndpoints.contains(endpoint);
    }
    Set<Endpoint> endpoints = liveTls.get(tls);
    return endpoints != null && endpoints.contains(endpoint);
  }

  /** While anything is pooled, checks once a second whether the snapshot dropped endpoints. */
  private void startSweeping() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    loop.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    sweeping = false;
    refreshLiveEndpoints();
    sweepQueues(idle, null);
    for (Iterator<Map.Entry<UpstreamTls, Map<Endpoint, ArrayDeque<UpstreamConnection>>>> it =
            idleTls.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<UpstreamTls, Map<Endpoint, ArrayDeque<UpstreamConnection>>> entry = it.next();
      sweepQueues(entry.getValue(), entry.getKey());
      if (entry.getValue().isEmpty()) {
        it.remove();
      }
    }
    if (!idle.isEmpty() || !idleTls.isEmpty()) {
      startSweeping();
    }
  }

  private void sweepQueues(Map<Endpoint, ArrayDeque<UpstreamConnection>> queues,
      @Nullable UpstreamTls tls) {
    for (Iterator<Map.Entry<Endpoint, ArrayDeque<UpstreamConnection>>> it =
            queues.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Endpoint, ArrayDeque<UpstreamConnection>> entry = it.next();
      if (closed.getAsBoolean() || !isLive(entry.getKey(), tls)) {
        it.remove();
        for (UpstreamConnection conn : entry.getValue()) {
          conn.cancelIdleTimer();
          conn.channel().close();
        }
      }
    }
  }

  private void refreshLiveEndpoints() {
    RoutingSnapshot current = liveSnapshot.get();
    if (current == seen) {
      return;
    }
    seen = current;
    tlsContexts.pruneFor(current);
    Set<Endpoint> endpoints = new HashSet<>();
    Map<UpstreamTls, Set<Endpoint>> secured = new HashMap<>();
    Set<String> backendIds = new HashSet<>();
    for (VirtualHost host : current.virtualHosts()) {
      for (Route route : host.routes()) {
        addLive(route.backend(), endpoints, secured);
        backendIds.add(route.backend().id());
        for (RouteFeature feature : route.features()) {
          for (Backend other : feature.backends()) {
            // Error pages go in plain HTTP, a canary with its TLS: both kinds are live.
            addLive(other, endpoints, secured);
            endpoints.addAll(other.endpoints());
            backendIds.add(other.id());
          }
        }
      }
    }
    Backend fallback = current.defaultBackend();
    if (fallback != null) {
      addLive(fallback, endpoints, secured);
      backendIds.add(fallback.id());
    }
    liveEndpoints = endpoints;
    liveTls = secured;
    Set<Endpoint> all = new HashSet<>(endpoints);
    secured.values().forEach(all::addAll);
    balancer.retain(backendIds, all);
  }

  private static void addLive(Backend backend, Set<Endpoint> plain,
      Map<UpstreamTls, Set<Endpoint>> secured) {
    UpstreamTls tls = backend.tls();
    if (tls != null) {
      secured.computeIfAbsent(tls, t -> new HashSet<>()).addAll(backend.endpoints());
    }
    if (tls == null || tls.onlyForTlsClients()) {
      plain.addAll(backend.endpoints());
    }
  }

  private static HttpDecoderConfig upstreamDecoderConfig() {
    // Upstreams are trusted more than clients, but a broken one must not exhaust memory.
    return new HttpDecoderConfig().setMaxInitialLineLength(8192).setMaxHeaderSize(64 * 1024);
  }
}
