package dev.bollard.proxy.handler;

import dev.bollard.proxy.step.AuthCache;
import dev.bollard.proxy.step.AuthReply;
import dev.bollard.proxy.step.AuthService;
import dev.bollard.proxy.step.AuthTarget;
import dev.bollard.proxy.step.StepRequest;
import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamListener;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The server's {@link AuthService}: each auth request leases a keep-alive connection from the
 * {@link UpstreamPools} on the client's event loop (the pools resolve names asynchronously and
 * speak TLS for {@code https} auth URLs), writes the head without a body, reads the answer's head
 * and drops its body, and gives the connection back after a clean keep-alive answer. Everything
 * happens on that one loop; the future completes there.
 */
public final class AuthSubrequests implements AuthService {

  private final UpstreamPools pools;
  private final AuthCache cache;

  /** @param pools where connections come from; @param cacheEntries the most cached answers kept */
  public AuthSubrequests(UpstreamPools pools, long cacheEntries) {
    this.pools = pools;
    this.cache = new AuthCache(cacheEntries);
  }

  @Override
  public CompletableFuture<AuthReply> send(StepRequest request, AuthTarget target,
      HttpRequest head, Duration connectTimeout, Duration timeout) {
    Call call = new Call(request.eventLoop(), target, head, connectTimeout, timeout);
    call.start(false);
    return call.result;
  }

  @Override
  public AuthCache cache() {
    return cache;
  }

  /** One auth request and its connection. */
  private final class Call implements UpstreamListener {
    final CompletableFuture<AuthReply> result = new CompletableFuture<>();
    private final EventLoop loop;
    private final AuthTarget target;
    private final HttpRequest head;
    private final Duration connectTimeout;
    private final long timeoutNanos;
    private @Nullable UpstreamConnection conn;
    private @Nullable HttpResponse response;
    private boolean retried;

    Call(EventLoop loop, AuthTarget target, HttpRequest head, Duration connectTimeout,
        Duration timeout) {
      this.loop = loop;
      this.target = target;
      this.head = head;
      this.connectTimeout = connectTimeout;
      this.timeoutNanos = timeout.toNanos();
    }

    /** Leases a connection (a fresh one after a stale pooled one) and sends the head. */
    void start(boolean fresh) {
      Future<UpstreamConnection> leased = fresh
          ? pools.connect(loop, target.endpoint(), target.tls(), this, connectTimeout)
          : pools.acquire(loop, target.endpoint(), target.tls(), this, connectTimeout);
      leased.addListener(f -> {
        if (!f.isSuccess()) {
          Throwable cause = f.cause();
          fail(cause instanceof ConnectTimeoutException ? 504 : 502,
              "cannot connect to " + target.endpoint() + ": " + cause.getMessage());
          return;
        }
        UpstreamConnection c = leased.getNow();
        if (result.isDone()) {
          c.release();
          return;
        }
        conn = c;
        c.expectResponseWithin(timeoutNanos, () -> fail(504,
            "no answer from " + target.endpoint() + " within "
                + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
        c.channel().write(head);
        c.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      });
    }

    @Override
    public void onUpstreamRead(Object msg) {
      try {
        if (result.isDone()) {
          return;
        }
        if (msg instanceof HttpResponse r) {
          if (r.decoderResult().isFailure()) {
            fail(502, "unparsable answer from " + target.endpoint());
            return;
          }
          if (r.status().code() >= 100 && r.status().code() < 200) {
            return; // 100 Continue and the like: the final answer follows
          }
          response = r;
        }
        if (msg instanceof HttpContent content) {
          if (content.decoderResult().isFailure()) {
            fail(502, "unparsable answer body from " + target.endpoint());
            return;
          }
          HttpResponse r = response;
          if (content instanceof LastHttpContent && r != null) {
            UpstreamConnection c = conn;
            conn = null;
            if (c != null) {
              c.stopResponseDeadline();
              if (HttpUtil.isKeepAlive(r)) {
                c.release();
              } else {
                c.discard();
              }
            }
            result.complete(new AuthReply(r.status().code(), r.headers(), null));
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void onUpstreamWritabilityChanged() {}

    @Override
    public void onUpstreamClosed(boolean failed) {
      UpstreamConnection c = conn;
      if (result.isDone() || c == null) {
        return;
      }
      if (response == null && c.isReused() && !retried) {
        // A pooled connection the service had closed meanwhile: once more on a fresh one.
        retried = true;
        conn = null;
        c.discard();
        start(true);
        return;
      }
      fail(502, "the connection to " + target.endpoint() + " closed before a whole answer");
    }

    private void fail(int status, String why) {
      if (result.isDone()) {
        return;
      }
      UpstreamConnection c = conn;
      conn = null;
      if (c != null) {
        c.discard();
      }
      result.complete(new AuthReply(status, EmptyHttpHeaders.INSTANCE, why));
    }
  }
}
