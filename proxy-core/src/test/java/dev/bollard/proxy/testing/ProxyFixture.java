package dev.bollard.proxy.testing;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
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

  /** Test timeouts: 2 s connect and 5 s upstream read, so a failing test fails fast. */
  public static final Timeouts TEST_TIMEOUTS =
      new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60),
          Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60),
          Duration.ofSeconds(60));

  private final CurrentRoutes routes = new CurrentRoutes();
  private final ProxyServer server;
  private Timeouts timeouts = TEST_TIMEOUTS;

  private ProxyFixture(ServerSettings settings) throws InterruptedException {
    this.server = ProxyServer.start(settings, routes);
  }

  /** Test defaults: loopback, Netty's thread count. */
  public static ServerSettings testSettings() {
    return ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0));
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

  /**
   * The timeouts of the snapshots published from now on that leave them at {@link
   * Timeouts#DEFAULTS} (initially {@link #TEST_TIMEOUTS}); returns this for chaining.
   */
  public ProxyFixture timeouts(Timeouts value) {
    timeouts = value;
    return this;
  }

  /**
   * Publishes a snapshot, with the fixture's timeouts if it leaves them at the defaults; returns
   * this for chaining.
   */
  public ProxyFixture publish(RoutingSnapshot snapshot) {
    GlobalSettings s = snapshot.settings();
    if (s.timeouts().equals(Timeouts.DEFAULTS)) {
      s = s.withTimeouts(timeouts);
    }
    routes.publish(snapshot.withSettings(s));
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
