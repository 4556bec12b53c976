package dev.bollard.proxy.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.auth.BasicAuthenticator;
import dev.bollard.auth.CredentialSet;
import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.http.RequestPaths;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  static final CredentialSet ALICE = Htpasswd.parse("alice:" + sha("secret") + "\n", "test");
  private static final BasicAuthPolicy POLICY = BasicAuthPolicy.of("Ingress a/b", "Preview", ALICE);

  private final RequestGuard guard = RequestGuard.using(
      BasicAuthenticator.builder(Runnable::run).maxFailures(3).build());

  private static AuthSettings options(List<String> exempt, boolean forward) {
    return new AuthSettings(List.of(), null, "x", exempt, forward, null);
  }

  static String sha(String password) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest(password.getBytes(StandardCharsets.UTF_8));
      return "{SHA}" + Base64.getEncoder().encodeToString(digest);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private GuardVerdict check(BasicAuthPolicy policy, String path, String authorization) {
    return check(policy, AuthSettings.NONE, path, authorization);
  }

  private GuardVerdict check(BasicAuthPolicy policy, AuthSettings options, String path,
      String authorization) {
    CompletableFuture<GuardVerdict> f = guard.check(policy, options,
        RequestPaths.normalizePath(path), path, authorization, CLIENT);
    assertThat(f).isDone();
    return f.join();
  }

  private static FullHttpResponse response(GuardVerdict verdict) {
    assertThat(verdict).isInstanceOf(GuardVerdict.Answer.class);
    return ((GuardVerdict.Answer) verdict).response(true);
  }

  @Test
  void noPolicyIsOpen() {
    GuardVerdict verdict = guard.check(null, AuthSettings.NONE, "/", "/", null, CLIENT).join();
    assertThat(verdict.guarded()).isFalse();
    HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "x");
    verdict.prepareUpstream(headers);
    assertThat(headers.contains(HttpHeaderNames.AUTHORIZATION)).isTrue();
  }

  @Test
  void missingCredentialsGet401WithChallengeAndRobotsTag() {
    FullHttpResponse r = response(check(POLICY, "/app", null));
    assertThat(r.status().code()).isEqualTo(401);
    assertThat(r.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .isEqualTo("Basic realm=\"Preview\", charset=\"UTF-8\"");
    assertThat(r.headers().get("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    r.release();
  }

  @Test
  void rightCredentialsPassAndAuthorizationIsStrippedByDefault() {
    GuardVerdict verdict = check(POLICY, "/app", basic("alice", "secret"));
    assertThat(verdict).isEqualTo(new GuardVerdict.Pass("alice", false));
    HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "x");
    verdict.prepareUpstream(headers);
    assertThat(headers.contains(HttpHeaderNames.AUTHORIZATION)).isFalse();

    GuardVerdict kept = check(POLICY, options(List.of(), true), "/app",
        basic("alice", "secret"));
    HttpHeaders keptHeaders = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "x");
    kept.prepareUpstream(keptHeaders);
    assertThat(keptHeaders.get(HttpHeaderNames.AUTHORIZATION)).isEqualTo("x");
  }

  @Test
  void aSignedInUsersRepeatedRequestsShareOneVerdict() {
    AuthSettings forward = options(List.of(), true);
    CompletableFuture<GuardVerdict> first =
        guard.check(POLICY, AuthSettings.NONE, "/a", "/a", basic("alice", "secret"), CLIENT);
    CompletableFuture<GuardVerdict> second =
        guard.check(POLICY, AuthSettings.NONE, "/b", "/b", basic("alice", "secret"), CLIENT);
    CompletableFuture<GuardVerdict> forwarded =
        guard.check(POLICY, forward, "/c", "/c", basic("alice", "secret"), CLIENT);

    assertThat(second).isSameAs(first).isCompletedWithValue(new GuardVerdict.Pass("alice", false));
    assertThat(forwarded).isCompletedWithValue(new GuardVerdict.Pass("alice", true));
    assertThat(guard.check(POLICY, AuthSettings.NONE, "/d", "/d", basic("alice", "nope"), CLIENT)
        .join())
        .isInstanceOf(GuardVerdict.Answer.class);
  }

  @Test
  void unknownUserAndWrongPasswordLookTheSame() {
    FullHttpResponse wrong = response(check(POLICY, "/", basic("alice", "nope")));
    FullHttpResponse unknown = response(check(POLICY, "/", basic("mallory", "secret")));
    assertThat(wrong.status()).isEqualTo(unknown.status());
    assertThat(wrong.headers().toString()).isEqualTo(unknown.headers().toString());
    assertThat(wrong.content()).isEqualTo(unknown.content());
    wrong.release();
    unknown.release();
  }

  @Test
  void repeatedFailuresAreThrottledWithRetryAfter() {
    for (int i = 0; i < 3; i++) {
      assertThat(response(check(POLICY, "/", basic("alice", "bad" + i))).status().code())
          .isEqualTo(401);
    }
    FullHttpResponse r = response(check(POLICY, "/", basic("alice", "secret")));
    assertThat(r.status().code()).isEqualTo(429);
    assertThat(Long.parseLong(r.headers().get(HttpHeaderNames.RETRY_AFTER))).isPositive();
    assertThat(r.headers().get("X-Robots-Tag")).isEqualTo("noindex, nofollow");
  }

  @Test
  void robotsTxtDisallowsEverythingWithoutCredentials() {
    FullHttpResponse r = response(check(POLICY, "/robots.txt", null));
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("User-agent: *\nDisallow: /\n");
    assertThat(r.headers().get("X-Robots-Tag")).isEqualTo("noindex, nofollow");
  }

  @Test
  void dotSegmentsAndEncodingDoNotEscapeTheGuard() {
    for (String path : List.of("/.well-known/acme-challenge/../app", "/robots.txt/../app",
        "/%2e%2e/", "/%72obots.txt/../x", "/.well-known/acme-challenge/%2e%2e/app")) {
      assertThat(response(check(POLICY, path, null)).status().code()).as(path).isEqualTo(401);
    }
  }

  @Test
  void brokenPolicyFailsClosedEvenWithCredentials() {
    BasicAuthPolicy broken = BasicAuthPolicy.broken("Ingress a/b", "Preview",
        "Secret a/missing not found");
    FullHttpResponse r = response(check(broken, "/", basic("alice", "secret")));
    assertThat(r.status().code()).isEqualTo(503);
    assertThat(r.headers().get("X-Robots-Tag")).isEqualTo("noindex, nofollow");
    // robots.txt still says Disallow, so a broken guard never invites indexing.
    assertThat(response(check(broken, "/robots.txt", null)).status().code()).isEqualTo(200);
  }

  @Test
  void exemptPathsPassOnlyInNormalForm() {
    AuthSettings options = options(List.of("/healthz", "/status/"), false);
    assertThat(check(POLICY, options, "/healthz", null)).isEqualTo(new GuardVerdict.Pass(null, false));
    assertThat(check(POLICY, options, "/status/db", null)).isInstanceOf(GuardVerdict.Pass.class);
    assertThat(check(POLICY, options, "/status", null)).isInstanceOf(GuardVerdict.Pass.class);
    for (String path : List.of("/healthz/x", "/healthzz", "/app/..%2fhealthz", "//healthz",
        "/x/../healthz", "/%68ealthz")) {
      assertThat(check(POLICY, options, path, null)).as(path).isInstanceOf(GuardVerdict.Answer.class);
    }
  }

  @Test
  void slowChecksCompleteOnThePoolAndRejectionsAre503() {
    CompletableFuture<Runnable> queued = new CompletableFuture<>();
    Executor deferred = queued::complete;
    RequestGuard slow = RequestGuard.using(BasicAuthenticator.builder(deferred).build());
    CompletableFuture<GuardVerdict> f =
        slow.check(POLICY, AuthSettings.NONE, "/", "/", basic("alice", "secret"), CLIENT);
    assertThat(f).isNotDone();
    queued.join().run();
    assertThat(f.join()).isEqualTo(new GuardVerdict.Pass("alice", false));

    RequestGuard rejecting = RequestGuard.using(BasicAuthenticator.builder(task -> {
      throw new RejectedExecutionException("full");
    }).build());
    GuardVerdict verdict =
        rejecting.check(POLICY, AuthSettings.NONE, "/", "/", basic("alice", "secret"), CLIENT).join();
    assertThat(response(verdict).status().code()).isEqualTo(503);
  }

  @Test
  void ownedPoolVerifiesAndCloses() {
    try (RequestGuard pooled = RequestGuard.start(1)) {
      GuardVerdict verdict = pooled.check(POLICY, AuthSettings.NONE, "/", "/",
          basic("alice", "secret"), CLIENT).join();
      assertThat(verdict.user()).isEqualTo("alice");
      assertThat(pooled.stats().granted()).isEqualTo(1);
    }
  }
}
