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
    Duration shutdownGrace) {

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
        Duration.ofSeconds(30));
  }
}
