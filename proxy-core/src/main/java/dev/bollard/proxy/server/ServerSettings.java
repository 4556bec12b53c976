package dev.bollard.proxy.server;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What is fixed for the life of the proxy process: the listener, its threads, the request-head
 * limits the codec and the validator are built with, the shutdown grace and the upstream pools' idle timeout.
 * Everything a config version can change lives in {@link
 * dev.bollard.proxy.config.GlobalSettings} instead, and only there.
 *
 * @param bind address and port of the plain HTTP listener (port 0 picks a free one)
 * @param ioThreads event-loop threads (0: one per available core, see {@link #eventLoops})
 * @param maxHeaderBytes largest request head section (431 beyond it)
 * @param maxUriBytes longest request line (414 beyond it)
 * @param maxHeaderCount most header fields in a request head (431 beyond it)
 * @param shutdownGrace how long in-flight requests may run after SIGTERM
 * @param upstreamIdleTimeout pooled upstream keep-alive connections unused this long are closed
 * @param transport the proxy's event-loop I/O: {@code auto} (io_uring, else epoll, else NIO),
 *     {@code io_uring}, {@code epoll} or {@code nio}; an unavailable one falls back as {@code auto}
 */
public record ServerSettings(
    InetSocketAddress bind,
    int ioThreads,
    int maxHeaderBytes,
    int maxUriBytes,
    int maxHeaderCount,
    Duration shutdownGrace,
    Duration upstreamIdleTimeout,
    String transport) {

  /** The transport {@link #defaults} and the shorter constructor choose. */
  public static final String DEFAULT_TRANSPORT = "auto";

  public ServerSettings {
    if (!Transport.CHOICES.contains(transport)) {
      throw new IllegalArgumentException(
          "transport: " + transport + " (expected one of " + Transport.CHOICES + ")");
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
    }
    if (maxUriBytes < 256) {
      throw new IllegalArgumentException("maxUriBytes: " + maxUriBytes + " (expected: >= 256)");
    }
    if (maxHeaderCount < 1) {
      throw new IllegalArgumentException(
          "maxHeaderCount: " + maxHeaderCount + " (expected: >= 1)");
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: >= 0)");
    }
    if (upstreamIdleTimeout.isNegative() || upstreamIdleTimeout.isZero()) {
      throw new IllegalArgumentException(
          "upstreamIdleTimeout: " + upstreamIdleTimeout + " (expected: > 0)");
    }
  }

  /** With the default transport ({@link #DEFAULT_TRANSPORT}). */
  public ServerSettings(InetSocketAddress bind, int ioThreads, int maxHeaderBytes, int maxUriBytes,
      int maxHeaderCount, Duration shutdownGrace, Duration upstreamIdleTimeout) {
    this(bind, ioThreads, maxHeaderBytes, maxUriBytes, maxHeaderCount, shutdownGrace,
        upstreamIdleTimeout, DEFAULT_TRANSPORT);
  }

  /**
   * How many event loops the proxy runs: {@link #ioThreads}, or when it is 0 one per core the JVM
   * may use (a container's CPU limit counts), as nginx's {@code worker_processes auto}. Not Netty's
   * default of two per core: each loop keeps its own upstream keep-alive pools, balancer state
   * and, on io_uring, its own rings and buffers, and no step blocks a loop, so a second loop per
   * core only adds memory (an idle Bollard on io_uring: about 7 MiB; docs/benchmarks.md) and
   * context switches.
   */
  public int eventLoops() {
    return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
  }

  /** Defaults close to nginx's, listening on the given address. */
  public static ServerSettings defaults(InetSocketAddress bind) {
    return new ServerSettings(
        bind, 0, 32 * 1024, 8 * 1024, 100, Duration.ofSeconds(30), Duration.ofSeconds(60));
  }
}
