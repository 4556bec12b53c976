package dev.bollard.acme.testing;

import com.sun.net.httpserver.HttpServer;
import dev.bollard.acme.ChallengeResponder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Answers {@code /.well-known/acme-challenge/<token>} on loopback from a {@link
 * ChallengeResponder}, as the proxy's plain listener does. The responder can be swapped to simulate
 * a wrong answer.
 */
public final class Http01Responder implements AutoCloseable {
  private static final String PREFIX = "/.well-known/acme-challenge/";

  private final HttpServer server;
  private volatile ChallengeResponder responder;

  /** Starts on 127.0.0.1:{@code port}. */
  public Http01Responder(int port, ChallengeResponder responder) {
    this.responder = responder;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
    server.createContext(
        PREFIX,
        exchange -> {
          String token = exchange.getRequestURI().getPath().substring(PREFIX.length());
          Optional<String> answer = this.responder.http01(token);
          byte[] body = answer.orElse("unknown token").getBytes(StandardCharsets.US_ASCII);
          exchange.getResponseHeaders().set("Content-Type", "text/plain");
          exchange.sendResponseHeaders(answer.isPresent() ? 200 : 404, body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** Answers from {@code responder} from now on. */
  public void respondWith(ChallengeResponder responder) {
    this.responder = responder;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
