package dev.bollard.proxy.server;

import dev.bollard.proxy.routing.CurrentRoutes;
import java.time.Duration;

/** Placeholder: being written. The reverse proxy's HTTP listener. */
public final class ProxyServer implements AutoCloseable {

  private ProxyServer() {}

  /** Binds the listener and starts serving from {@code routes}. */
  public static ProxyServer start(ServerSettings settings, CurrentRoutes routes)
      throws InterruptedException {
    throw new UnsupportedOperationException("not yet");
  }

  /** The port actually bound. */
  public int port() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Stops accepting, lets in-flight requests finish up to {@code deadline}, closes idle keep-alive
   * connections, then releases the event loops.
   */
  public void shutdownGracefully(Duration deadline) throws InterruptedException {}

  /** Immediate stop. */
  @Override
  public void close() {}
}
