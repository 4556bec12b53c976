package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.UpstreamTls;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLException;

/**
 * What a failed upstream TLS handshake means for the attempt, the same for HTTP/1.1 and HTTP/2
 * connections: past the connect timeout a {@link ConnectTimeoutException} (a timeout like a TCP
 * connect's: 504, {@code proxy-next-upstream}'s {@code timeout}), else an {@link SSLException}
 * naming the endpoint, the name checked and the reason in one line (a refused connection: 502).
 */
final class UpstreamHandshakes {

  private UpstreamHandshakes() {}

  static Exception failure(Throwable cause, Endpoint endpoint, UpstreamTls tls,
      long timeoutMillis) {
    if (cause instanceof SslHandshakeTimeoutException) {
      // Bounded by the connect timeout, as nginx's proxy_connect_timeout bounds the handshake.
      ConnectTimeoutException timedOut = new ConnectTimeoutException("TLS handshake with "
          + endpoint + " (name " + tls.serverName() + ") timed out after " + timeoutMillis
          + " ms");
      timedOut.initCause(cause);
      return timedOut;
    }
    return new SSLException("TLS handshake with " + endpoint + " (name " + tls.serverName()
        + ") failed: " + reason(cause), cause);
  }

  /** Why a handshake failed, in one short line (Netty's plain-text error dumps the bytes). */
  private static String reason(Throwable cause) {
    if (cause instanceof NotSslRecordException) {
      return "the endpoint does not speak TLS (it answered in plain text); if it serves plain"
          + " HTTP, remove backend-protocol HTTPS (or GRPCS)";
    }
    String message = String.valueOf(cause.getMessage());
    return message.length() <= 300 ? message : message.substring(0, 300) + "...";
  }
}
