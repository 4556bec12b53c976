package dev.bollard.proxy.handler;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.accesslog.RequestSink;
import dev.bollard.proxy.metrics.ProxyMetrics;
import org.jspecify.annotations.Nullable;

/**
 * Where completed requests go (the access log and the metrics) and where client connections are
 * counted. One per server, shared by its listeners; it only hands values on. A request whose route
 * turned its access log off ({@link RequestFacts#accessLogged()}) reaches the metrics only.
 */
public final class RequestTelemetry {

  /** Logs and measures nothing. */
  public static final RequestTelemetry NONE = new RequestTelemetry(RequestSink.NONE, null);

  private final RequestSink sink;
  private final @Nullable ProxyMetrics metrics;
  /** The metrics as a sink, or {@link RequestSink#NONE}. */
  private final RequestSink measured;

  /**
   * @param sink receives every completed request (the access log)
   * @param metrics also receives every completed request, and counts connections; or {@code null}
   */
  public RequestTelemetry(RequestSink sink, @Nullable ProxyMetrics metrics) {
    this.sink = sink;
    this.metrics = metrics;
    this.measured = metrics == null ? RequestSink.NONE : metrics;
  }

  /**
   * A client connection was accepted. Its close must be reported through {@link
   * #connectionClosed} (the server's {@link ClientConnections} does it when the connection
   * leaves: no close-future listener per connection).
   */
  public void connectionOpened() {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.connectionOpened();
    }
  }

  /** A client connection counted by {@link #connectionOpened} closed. */
  public void connectionClosed() {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.connectionClosed();
    }
  }

  /** A TLS handshake with a client finished (see {@code EdgeTls.Handshakes}). */
  public void tlsHandshake(boolean success) {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.tlsHandshake(success);
    }
  }

  /**
   * An SSL passthrough connection ended (see {@link ProxyMetrics#passthrough}); it is no request,
   * so the access log does not see it.
   */
  public void passthrough(boolean connected, long bytesIn, long bytesOut) {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.passthrough(connected, bytesIn, bytesOut);
    }
  }

  /** The request is over with {@code status}; the first call hands its facts on. */
  void completed(RequestFacts facts, int status) {
    if (facts.complete(status)) {
      handOn(facts);
    }
  }

  /**
   * The response that started with {@code status} was cut short (the connection closed before its
   * end); the first call hands its facts on.
   */
  void aborted(RequestFacts facts, int status) {
    if (facts.abort(status)) {
      handOn(facts);
    }
  }

  private void handOn(RequestFacts facts) {
    if (facts.accessLogged()) {
      sink.completed(facts);
    }
    measured.completed(facts);
  }
}
