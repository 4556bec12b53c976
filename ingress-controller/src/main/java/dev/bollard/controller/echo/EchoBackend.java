package dev.bollard.controller.echo;

import dev.bollard.proxy.server.SideListener;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * An HTTP/1.1 server that answers any request with a JSON description of it: method, URI,
 * version, headers, body size (and the body itself when it is small text), and the peer address.
 *
 * <p>Bodies are counted as they stream in, never buffered whole, so it also serves as the upstream
 * for large uploads. Responses carry {@code X-Log-User-Id}, {@code X-Log-Account} and {@code
 * X-Log-Db-Ms} headers like an instrumented application's, and {@code X-Echo-Server} with the
 * backend's name so tests and demos can tell two backends apart.
 */
public final class EchoBackend implements AutoCloseable {

  private final SideListener listener;

  private EchoBackend(SideListener listener) {
    this.listener = listener;
  }

  /**
   * Starts an echo backend.
   *
   * @param bind where to listen (port 0 picks a free one)
   * @param name reported in the {@code server} field and the {@code X-Echo-Server} header
   * @throws UncheckedIOException if the address cannot be bound; the message names it
   */
  public static EchoBackend start(InetSocketAddress bind, String name) throws InterruptedException {
    return new EchoBackend(
        SideListener.start(
            "echo",
            bind,
            p ->
                p.addLast("codec", new HttpServerCodec())
                    .addLast("continue", new HttpServerExpectContinueHandler())
                    .addLast("echo", new EchoHandler(name))));
  }

  /** The port actually bound. */
  public int port() {
    return listener.port();
  }

  /** Stops listening and drops open connections. Idempotent. */
  @Override
  public void close() {
    listener.close();
  }
}
