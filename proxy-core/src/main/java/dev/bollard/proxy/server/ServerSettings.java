package dev.bollard.proxy.server;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Listener and connection settings of the proxy server (static for the process's life).
 *
 * @param bind address and port of the plain HTTP listener (port 0 picks a free one)
 * @param ioThreads event-loop threads (0: Netty's default, two per core)
 * @param connectTimeout how long to wait for an upstream TCP connect before trying another
 *     endpoint (then 502)
 * @param upstreamReadTimeout longest silence from an upstream while a response is expected (504)
 * @param clientHeaderTimeout how long a client has to send a complete request head (408)
 * @param keepAliveIdleTimeout idle client keep-alive connections are closed after this
 * @param maxHeaderBytes largest request head section (431 beyond it)
 * @param maxUriBytes longest request line (414 beyond it)
 * @param shutdownGrace how long in-flight requests may run after SIGTERM
 * @param upstreamIdleTimeout pooled upstream keep-alive connections unused this long are closed
 */
public record ServerSettings(
    InetSocketAddress bind,
    int ioThreads,
    Duration connectTimeout,
    Duration upstreamReadTimeout,
    Duration clientHeaderTimeout,
    Duration keepAliveIdleTimeout,
    int maxHeaderBytes,
    int maxUriBytes,
    Duration shutdownGrace,
    Duration upstreamIdleTimeout) {

  private static final Duration DEFAULT_UPSTREAM_IDLE = Duration.ofSeconds(60);

  public ServerSettings {
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
    }
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("upstreamReadTimeout", upstreamReadTimeout);
    requirePositive("clientHeaderTimeout", clientHeaderTimeout);
    requirePositive("keepAliveIdleTimeout", keepAliveIdleTimeout);
    requirePositive("upstreamIdleTimeout", upstreamIdleTimeout);
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: >= 0)");
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
    }
    if (maxUriBytes < 256) {
      throw new IllegalArgumentException("maxUriBytes: " + maxUriBytes + " (expected: >= 256)");
    }
  }

  /** The settings without {@code upstreamIdleTimeout}, which then defaults to 60 seconds. */
  public ServerSettings(
      InetSocketAddress bind,
      int ioThreads,
      Duration connectTimeout,
      Duration upstreamReadTimeout,
      Duration clientHeaderTimeout,
      Duration keepAliveIdleTimeout,
      int maxHeaderBytes,
      int maxUriBytes,
      Duration shutdownGrace) {
    this(
        bind,
        ioThreads,
        connectTimeout,
        upstreamReadTimeout,
        clientHeaderTimeout,
        keepAliveIdleTimeout,
        maxHeaderBytes,
        maxUriBytes,
        shutdownGrace,
        DEFAULT_UPSTREAM_IDLE);
  }

  /** Defaults close to nginx's, listening on the given address. */
  public static ServerSettings defaults(InetSocketAddress bind) {
    return new ServerSettings(
        bind,
        0,
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(75),
        32 * 1024,
        8 * 1024,
        Duration.ofSeconds(30),
        DEFAULT_UPSTREAM_IDLE);
  }

  /** These settings with {@code value} event-loop threads (0: Netty's default). */
  public ServerSettings withIoThreads(int value) {
    return new ServerSettings(bind, value, connectTimeout, upstreamReadTimeout,
        clientHeaderTimeout, keepAliveIdleTimeout, maxHeaderBytes, maxUriBytes, shutdownGrace,
        upstreamIdleTimeout);
  }

  /** These settings with another upstream connect timeout. */
  public ServerSettings withConnectTimeout(Duration value) {
    return new ServerSettings(bind, ioThreads, value, upstreamReadTimeout, clientHeaderTimeout,
        keepAliveIdleTimeout, maxHeaderBytes, maxUriBytes, shutdownGrace, upstreamIdleTimeout);
  }

  /** These settings with another upstream read timeout. */
  public ServerSettings withUpstreamReadTimeout(Duration value) {
    return new ServerSettings(bind, ioThreads, connectTimeout, value, clientHeaderTimeout,
        keepAliveIdleTimeout, maxHeaderBytes, maxUriBytes, shutdownGrace, upstreamIdleTimeout);
  }

  /** These settings with another client header timeout. */
  public ServerSettings withClientHeaderTimeout(Duration value) {
    return new ServerSettings(bind, ioThreads, connectTimeout, upstreamReadTimeout, value,
        keepAliveIdleTimeout, maxHeaderBytes, maxUriBytes, shutdownGrace, upstreamIdleTimeout);
  }

  /** These settings with another client keep-alive idle timeout. */
  public ServerSettings withKeepAliveIdleTimeout(Duration value) {
    return new ServerSettings(bind, ioThreads, connectTimeout, upstreamReadTimeout,
        clientHeaderTimeout, value, maxHeaderBytes, maxUriBytes, shutdownGrace,
        upstreamIdleTimeout);
  }

  /** These settings with another pooled upstream idle timeout. */
  public ServerSettings withUpstreamIdleTimeout(Duration value) {
    return new ServerSettings(bind, ioThreads, connectTimeout, upstreamReadTimeout,
        clientHeaderTimeout, keepAliveIdleTimeout, maxHeaderBytes, maxUriBytes, shutdownGrace,
        value);
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
