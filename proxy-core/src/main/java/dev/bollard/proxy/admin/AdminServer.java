package dev.bollard.proxy.admin;

import dev.bollard.proxy.server.SideListener;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin HTTP listener: {@code GET /healthz}, {@code GET /readyz}, {@code GET /status} and,
 * when the wiring supplies metrics, {@code GET /metrics} (Prometheus text format).
 *
 * <ul>
 *   <li>{@code /healthz} and {@code /livez}: 200 {@code ok} while the process runs (liveness).
 *   <li>{@code /readyz}: 200 {@code ready} once the {@link Readiness} says so, else 503 {@code not
 *       ready: <reason>}, such as {@code no snapshot published yet} or {@code draining (shutting
 *       down)} (readiness: a load balancer sends traffic only to ready replicas).
 *   <li>{@code /status}: 200 with a JSON document the wiring supplies (active config version,
 *       refused versions, watch health).
 *   <li>the wiring's further {@link AdminPage}s, by path (the status page at {@code /}).
 *   <li>anything else: 404; a method other than GET or HEAD on a known path: 405.
 * </ul>
 *
 * <p>The server has its own event loop of one thread, separate from the proxy's.
 */
public final class AdminServer implements AutoCloseable {

  /** Largest request the admin port accepts; probes send no body. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024;

  private final SideListener listener;

  private AdminServer(SideListener listener) {
    this.listener = listener;
  }

  /**
   * Binds the admin listener.
   *
   * @param bind address and port to listen on (port 0 picks a free one, see {@link #port()})
   * @param ready answers readiness; called on the admin event loop for every {@code /readyz}, so it
   *     must be cheap and non-blocking
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound (in use, not local); the message
   *     names the address
   */
  public static AdminServer start(InetSocketAddress bind, BooleanSupplier ready)
      throws InterruptedException {
    return start(bind, ready, () -> "{}");
  }

  /**
   * Binds the admin listener with a {@code GET /status} page.
   *
   * @param bind address and port to listen on (port 0 picks a free one)
   * @param ready answers readiness; cheap and non-blocking
   * @param status the {@code /status} document, a JSON object: the active config version,
   *     refusals, watch health (whatever the wiring reports); called on the admin event loop, so it
   *     must be cheap and non-blocking
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static AdminServer start(
      InetSocketAddress bind, BooleanSupplier ready, Supplier<String> status)
      throws InterruptedException {
    return start(bind, ready, status, null);
  }

  /**
   * Binds the admin listener with {@code GET /status} and {@code GET /metrics}.
   *
   * @param metrics the Prometheus text exposition, or {@code null} for no {@code /metrics}; called
   *     on the admin event loop for every scrape
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static AdminServer start(
      InetSocketAddress bind,
      BooleanSupplier ready,
      Supplier<String> status,
      @Nullable Supplier<String> metrics)
      throws InterruptedException {
    return start(bind, () -> ready.getAsBoolean() ? Readiness.READY : Readiness.STARTING, status,
        metrics);
  }

  /**
   * Binds the admin listener with {@code GET /status} and {@code GET /metrics}, and a readiness
   * that says why it is not ready.
   *
   * @param readiness answers {@code /readyz}; called on the admin event loop, so it must be cheap
   *     and non-blocking
   * @param metrics the Prometheus text exposition, or {@code null} for no {@code /metrics}
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static AdminServer start(
      InetSocketAddress bind,
      Supplier<Readiness> readiness,
      Supplier<String> status,
      @Nullable Supplier<String> metrics)
      throws InterruptedException {
    return start(bind, readiness, status, metrics, Map.of());
  }

  /**
   * Binds the admin listener with {@code GET /status}, {@code GET /metrics}, a readiness that says
   * why it is not ready, and further pages.
   *
   * @param pages more pages by exact path (e.g. {@code /}); a probe path cannot be replaced
   * @throws InterruptedException if interrupted while binding
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static AdminServer start(
      InetSocketAddress bind,
      Supplier<Readiness> readiness,
      Supplier<String> status,
      @Nullable Supplier<String> metrics,
      Map<String, AdminPage> pages)
      throws InterruptedException {
    Map<String, AdminPage> extra = Map.copyOf(pages);
    for (String probe : new String[] {"/healthz", "/livez", "/readyz", "/status", "/metrics"}) {
      if (extra.containsKey(probe)) {
        throw new IllegalArgumentException("admin page " + probe + " is a probe path");
      }
    }
    return new AdminServer(
        SideListener.start(
            "admin",
            bind,
            p ->
                p.addLast("codec", new HttpServerCodec())
                    .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                    .addLast("probes", new ProbeHandler(readiness, status, metrics, extra))));
  }

  /** The port actually bound. */
  public int port() {
    return listener.port();
  }

  /** Closes the listener and its event loop; open probe connections are dropped. Idempotent. */
  @Override
  public void close() {
    listener.close();
  }
}
