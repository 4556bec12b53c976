package dev.bollard.proxy.guard;

import dev.bollard.auth.AuthResult;
import dev.bollard.auth.AuthStats;
import dev.bollard.auth.BasicAuthenticator;
import dev.bollard.auth.CredentialSet;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request under a {@link BasicAuthPolicy} may go upstream. In order:
 *
 * <ol>
 *   <li>no policy: {@link GuardVerdict.Open};
 *   <li>{@code /robots.txt}: {@code Disallow: /} for everyone, without credentials;
 *   <li>a broken policy (missing Secret or key, no usable entry): 503, fail closed;
 *   <li>an exempt path ({@link AuthSettings#exemptPaths}): passes without credentials, when the
 *       request path is already in normal form (the upstream sees the raw path);
 *   <li>otherwise the {@code Authorization} header is checked by the {@link BasicAuthenticator}:
 *       pass, 401 with {@code WWW-Authenticate}, or 429 with {@code Retry-After}.
 * </ol>
 *
 * <p>Paths are compared in the normal form routing matched them in. ACME HTTP-01 answers come
 * before any guard, from the route's challenge step, so certificates can be issued for guarded
 * hosts.
 *
 * <p>The returned future is already complete except when a password hash must be computed; then
 * it completes on the guard's pool and the caller returns to its event loop. A signed-in user's
 * repeated request gets a shared, already completed future (the authenticator answers it with one
 * shared {@link AuthResult.Granted}, remembered here with its verdict): callers read the future
 * and never complete it. One instance serves a whole server; {@link #close()} stops its pool.
 */
public final class RequestGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);

  static final String ROBOTS_PATH = "/robots.txt";
  static final String ROBOTS_BODY = "User-agent: *\nDisallow: /\n";
  private static final String TEXT = "text/plain; charset=utf-8";

  private static final GuardVerdict.Answer ROBOTS = new GuardVerdict.Answer(
      HttpResponseStatus.OK, new DefaultHttpHeaders(), TEXT, ROBOTS_BODY, "robots");

  /**
   * The answer to {@code /robots.txt} on a guarded host ({@code Disallow: /}, no credentials
   * asked): what every guard, Basic or external, answers for that path.
   */
  public static GuardVerdict.Answer robots() {
    return ROBOTS;
  }

  /** Whether {@code path} (in routing's normal form) is the one every guard answers itself. */
  public static boolean isRobotsPath(String path) {
    return path.equals(ROBOTS_PATH);
  }

  /** The verdict for a request no guard applies to. */
  public static final GuardVerdict OPEN = GuardVerdict.Open.INSTANCE;

  /** {@link #OPEN}, already complete: one shared instance, which callers only read. */
  public static final CompletableFuture<GuardVerdict> OPEN_DONE =
      CompletableFuture.completedFuture(OPEN);

  /** Grants whose verdicts are remembered; a few signed-in users rarely share a slot. */
  private static final int PASS_SLOTS = 64;

  private final BasicAuthenticator authenticator;
  private final @Nullable ExecutorService ownedPool;
  private final AtomicReferenceArray<@Nullable PassMemo> passes =
      new AtomicReferenceArray<>(PASS_SLOTS);

  /** The verdict future for one shared grant and forwarding choice. */
  private record PassMemo(
      AuthResult.Granted granted, boolean forward, CompletableFuture<GuardVerdict> verdict) {}

  private RequestGuard(BasicAuthenticator authenticator, @Nullable ExecutorService pool) {
    this.authenticator = authenticator;
    this.ownedPool = pool;
  }

  /**
   * A guard with its own verification pool: {@code threads} daemon threads and a bounded queue
   * (a request that finds it full gets 503 rather than waiting without bound).
   *
   * @param threads hash computations that may run at once, at least 1
   */
  public static RequestGuard start(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(1024), task -> {
          Thread t = new Thread(task, "bollard-auth-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return new RequestGuard(BasicAuthenticator.builder(pool).build(), pool);
  }

  /** A guard over an authenticator the caller owns (tests, benchmarks). */
  public static RequestGuard using(BasicAuthenticator authenticator) {
    return new RequestGuard(Objects.requireNonNull(authenticator, "authenticator"), null);
  }

  /** Verification counters, for metrics. */
  public AuthStats stats() {
    return authenticator.stats();
  }

  /**
   * Decides one request.
   *
   * @param policy the policy of the route (or host) serving the request, {@code null} for none
   * @param options exempt paths and header forwarding
   * @param path the request path in the normal form routing matched it in
   * @param rawPath the request path as received, without query
   * @param authorization the {@code Authorization} header, {@code null} when absent
   * @param client the client's address, for throttling
   */
  public CompletableFuture<GuardVerdict> check(
      @Nullable BasicAuthPolicy policy,
      AuthSettings options,
      String path,
      String rawPath,
      @Nullable String authorization,
      InetAddress client) {
    if (policy == null) {
      return OPEN_DONE;
    }
    if (path.equals(ROBOTS_PATH)) {
      return done(ROBOTS);
    }
    CredentialSet credentials = policy.credentials();
    if (credentials == null) {
      return done(answer(HttpResponseStatus.SERVICE_UNAVAILABLE, new DefaultHttpHeaders(),
          "access to this host is guarded, but its credentials cannot be read;"
              + " the controller reports why", "broken"));
    }
    // Only a path already in normal form is exempt: the upstream sees the raw path.
    if (options.exempts(path) && path.equals(rawPath)) {
      return done(new GuardVerdict.Pass(null, options.forwardAuthorization()));
    }
    CompletableFuture<AuthResult> result;
    try {
      result = authenticator.verify(credentials, authorization, client);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    AuthResult known = result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
    if (known instanceof AuthResult.Granted granted) {
      return passed(granted, options.forwardAuthorization());
    }
    if (known != null) {
      return done(verdict(policy, options, known));
    }
    return result.handle((r, failure) -> {
      if (failure != null) {
        log.warn("Basic-auth verification for {} failed: {}", policy.origin(), failure.toString());
        return answer(HttpResponseStatus.SERVICE_UNAVAILABLE, new DefaultHttpHeaders(),
            "credentials cannot be checked right now; try again", "overloaded");
      }
      return verdict(policy, options, r);
    });
  }

  /**
   * The pass for a grant, as one shared completed future per grant instance: the authenticator
   * returns the same instance for a header it granted before, so a signed-in user's requests
   * allocate nothing here.
   */
  private CompletableFuture<GuardVerdict> passed(AuthResult.Granted granted, boolean forward) {
    int index = System.identityHashCode(granted) & (PASS_SLOTS - 1);
    PassMemo memo = passes.getAcquire(index);
    if (memo != null && memo.granted() == granted && memo.forward() == forward) {
      return memo.verdict();
    }
    CompletableFuture<GuardVerdict> verdict =
        done(new GuardVerdict.Pass(granted.user(), forward));
    passes.setRelease(index, new PassMemo(granted, forward, verdict));
    return verdict;
  }

  private static GuardVerdict verdict(BasicAuthPolicy policy, AuthSettings options, AuthResult r) {
    if (r instanceof AuthResult.Granted granted) {
      return new GuardVerdict.Pass(granted.user(), options.forwardAuthorization());
    }
    if (r instanceof AuthResult.Throttled throttled) {
      HttpHeaders headers = new DefaultHttpHeaders()
          .set(HttpHeaderNames.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
      return answer(HttpResponseStatus.TOO_MANY_REQUESTS, headers,
          "too many failed sign-ins from your address; try again in "
              + throttled.retryAfterSeconds() + " s", "throttled");
    }
    HttpHeaders headers = new DefaultHttpHeaders()
        .set(HttpHeaderNames.WWW_AUTHENTICATE, BasicAuthenticator.challenge(policy.realm()));
    return answer(HttpResponseStatus.UNAUTHORIZED, headers, "sign in to see this host",
        "unauthorized");
  }

  private static GuardVerdict.Answer answer(
      HttpResponseStatus status, HttpHeaders headers, String detail, String reason) {
    return new GuardVerdict.Answer(status, headers, TEXT,
        status.code() + " " + status.reasonPhrase() + ": " + detail + "\n", reason);
  }

  private static CompletableFuture<GuardVerdict> done(GuardVerdict verdict) {
    return CompletableFuture.completedFuture(verdict);
  }

  /** Stops the verification pool, if this guard owns one; pending checks fail (503). */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.shutdownNow();
    }
  }
}
