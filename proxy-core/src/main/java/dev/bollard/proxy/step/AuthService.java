package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends external authentication requests ({@link ExternalAuth}) over pooled keep-alive
 * connections on the request's event loop, and keeps the decisions routes allow to be cached.
 */
public interface AuthService {

  /** A service that reaches nothing: every call fails, so a request it guards gets 500. */
  AuthService NONE = new AuthService() {
    private final AuthCache cache = new AuthCache(1);

    @Override
    public CompletableFuture<AuthReply> send(StepRequest request, AuthTarget target,
        HttpRequest head, Duration connectTimeout, Duration timeout) {
      return CompletableFuture.completedFuture(new AuthReply(502,
          io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE,
          "this server has no external authentication client"));
    }

    @Override
    public AuthCache cache() {
      return cache;
    }
  };

  /**
   * Sends {@code head} (no body) to {@code target} on {@code request}'s event loop; the future
   * completes on that loop, with a failure reply (never exceptionally) when nothing usable came
   * back within {@code connectTimeout} (connecting, and a TLS handshake) and then {@code timeout}
   * (the whole response).
   */
  CompletableFuture<AuthReply> send(StepRequest request, AuthTarget target, HttpRequest head,
      Duration connectTimeout, Duration timeout);

  /** The cached decisions ({@code auth-cache-key}). */
  AuthCache cache();
}
