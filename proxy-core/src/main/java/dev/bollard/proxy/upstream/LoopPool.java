package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The idle connections and round-robin positions of one event loop; touched only on it. */
final class LoopPool {

  private static final long SWEEP_MILLIS = 1000;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final long idleNanos;
  private final Supplier<RoutingSnapshot> liveSnapshot;
  private final BooleanSupplier closed;
  private final Map<Endpoint, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  private final Map<String, Integer> nextIndex = new HashMap<>();
  private @Nullable RoutingSnapshot seen;
  private Set<Endpoint> liveEndpoints = Set.of();
  private boolean sweeping;

  LoopPool(
      EventLoop loop,
      Bootstrap bootstrap,
      Duration idleTimeout,
      Supplier<RoutingSnapshot> liveSnapshot,
      BooleanSupplier closed) {
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
    List<Endpoint> endpoints = backend.endpoints();
    int n = endpoints.size();
    if (n == 0) {
      return List.of();
    }
    if (n == 1) {
      return endpoints; // nothing to rotate: no per-request list or counter
    }
    int start = Math.floorMod(nextIndex.merge(backend.id(), 1, Integer::sum) - 1, n);
    List<Endpoint> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      order.add(endpoints.get((start + i) % n));
    }
    return order;
  }

  Future<UpstreamConnection> acquire(
      Endpoint endpoint, UpstreamListener listener, Duration connectTimeout) {
    ArrayDeque<UpstreamConnection> queue = idle.get(endpoint);
    while (queue != null && !queue.isEmpty()) {
      UpstreamConnection conn = queue.pollFirst();
      if (conn.channel().isActive() && conn.isClean()) {
        conn.lease(listener);
        return loop.newSucceededFuture(conn);
      }
      conn.cancelIdleTimer();
      conn.channel().close();
    }
    return connect(endpoint, listener, connectTimeout);
  }

  /** @param connectTimeout the TCP connect timeout of this attempt */
  Future<UpstreamConnection> connect(
      Endpoint endpoint, UpstreamListener listener, Duration connectTimeout) {
    Promise<UpstreamConnection> promise = loop.newPromise();
    UpstreamChannelHandler handler = new UpstreamChannelHandler();
    UpstreamCodec codec = new UpstreamCodec(upstreamDecoderConfig());
    Bootstrap b = bootstrap.clone(loop);
    b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
        Math.max(1, connectTimeout.toMillis())));
    ChannelFuture connect =
        b
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("http", codec)
                        .addLast("relay", handler);
                  }
                })
            .connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            UpstreamConnection conn = new UpstreamConnection(connect.channel(), endpoint, this,
                handler, codec);
            connect.channel().closeFuture().addListener(c -> {
              conn.cancelIdleTimer();
              forget(conn);
            });
            conn.lease(listener);
            promise.setSuccess(conn);
          } else {
            promise.setFailure(f.cause());
          }
        });
    return promise;
  }

  void release(UpstreamConnection conn) {
    refreshLiveEndpoints();
    if (closed.getAsBoolean()
        || !conn.channel().isActive()
        || !conn.isClean()
        || !liveEndpoints.contains(conn.endpoint())) {
      conn.channel().close();
      return;
    }
    idle.computeIfAbsent(conn.endpoint(), e -> new ArrayDeque<>()).addFirst(conn);
    conn.idleFor(idleNanos);
    startSweeping();
  }

  void closeAll() {
    List<ArrayDeque<UpstreamConnection>> queues = new ArrayList<>(idle.values());
    idle.clear();
    for (ArrayDeque<UpstreamConnection> queue : queues) {
      for (UpstreamConnection conn : queue) {
        conn.cancelIdleTimer();
        conn.channel().close();
      }
    }
  }

  /** The connection's idle deadline passed while it was pooled. */
  void idleExpired(UpstreamConnection conn) {
    if (forget(conn)) {
      conn.channel().close();
    }
  }

  private boolean forget(UpstreamConnection conn) {
    ArrayDeque<UpstreamConnection> queue = idle.get(conn.endpoint());
    if (queue == null || !queue.remove(conn)) {
      return false;
    }
    conn.cancelIdleTimer();
    if (queue.isEmpty()) {
      idle.remove(conn.endpoint());
    }
    return true;
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
    for (Iterator<Map.Entry<Endpoint, ArrayDeque<UpstreamConnection>>> it =
            idle.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Endpoint, ArrayDeque<UpstreamConnection>> entry = it.next();
      if (closed.getAsBoolean() || !liveEndpoints.contains(entry.getKey())) {
        it.remove();
        for (UpstreamConnection conn : entry.getValue()) {
          conn.cancelIdleTimer();
          conn.channel().close();
        }
      }
    }
    if (!idle.isEmpty()) {
      startSweeping();
    }
  }

  private void refreshLiveEndpoints() {
    RoutingSnapshot current = liveSnapshot.get();
    if (current == seen) {
      return;
    }
    seen = current;
    Set<Endpoint> endpoints = new HashSet<>();
    Set<String> backendIds = new HashSet<>();
    for (VirtualHost host : current.virtualHosts()) {
      for (Route route : host.routes()) {
        endpoints.addAll(route.backend().endpoints());
        backendIds.add(route.backend().id());
        for (RouteFeature feature : route.features()) {
          for (Backend other : feature.backends()) {
            endpoints.addAll(other.endpoints());
            backendIds.add(other.id());
          }
        }
      }
    }
    Backend fallback = current.defaultBackend();
    if (fallback != null) {
      endpoints.addAll(fallback.endpoints());
      backendIds.add(fallback.id());
    }
    liveEndpoints = endpoints;
    nextIndex.keySet().retainAll(backendIds);
  }

  private static HttpDecoderConfig upstreamDecoderConfig() {
    // Upstreams are trusted more than clients, but a broken one must not exhaust memory.
    return new HttpDecoderConfig().setMaxInitialLineLength(8192).setMaxHeaderSize(64 * 1024);
  }
}
