package dev.bollard.proxy.testing;

import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.server.ProxyServer;
import dev.bollard.proxy.server.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A running proxy on a free loopback port with its own {@link CurrentRoutes}; close it in
 * {@code @AfterEach} or with try-with-resources.
 */
public final class ProxyFixture implements AutoCloseable {

  private final CurrentRoutes routes = new CurrentRoutes();
  private final ProxyServer server;

  private ProxyFixture(ServerSettings settings) throws InterruptedException {
    this.server = ProxyServer.start(settings, routes);
  }

  /** Test defaults: loopback, two I/O threads, 2 s connect and 5 s upstream read timeouts. */
  public static ServerSettings testSettings() {
    return ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
        .withConnectTimeout(Duration.ofSeconds(2))
        .withUpstreamReadTimeout(Duration.ofSeconds(5));
  }

  /** Starts a proxy with {@link #testSettings()}. */
  public static ProxyFixture start() throws InterruptedException {
    return new ProxyFixture(testSettings());
  }

  /** Starts a proxy with {@link #testSettings()} changed by {@code change}. */
  public static ProxyFixture start(UnaryOperator<ServerSettings> change)
      throws InterruptedException {
    return new ProxyFixture(change.apply(testSettings()));
  }

  /** Publishes a snapshot; returns this for chaining. */
  public ProxyFixture publish(RoutingSnapshot snapshot) {
    routes.publish(snapshot);
    return this;
  }

  /** The routes the proxy serves from. */
  public CurrentRoutes routes() {
    return routes;
  }

  /** The running server. */
  public ProxyServer server() {
    return server;
  }

  /** The listener's port. */
  public int port() {
    return server.port();
  }

  /** A new raw connection to the proxy. */
  public RawHttpConnection connect() {
    try {
      return RawHttpConnection.open(port());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
