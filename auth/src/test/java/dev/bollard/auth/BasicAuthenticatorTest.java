package dev.bollard.auth;

import static dev.bollard.auth.BasicCredentialsTest.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {

  // From vectors.tsv: password "x" and "correct horse battery staple".
  private static final String BCRYPT_X = "$2y$05$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkga";
  private static final String BCRYPT_X_2B = "$2b$05$dSJM6s2rkZoaLqrv1hab2u4uRqz.QDC8RZGI3pNcbd6jyXqv/.e0u";
  private static final String APR1_HORSE = "$apr1$CbLCQOmx$rT/upVCOXAtAV3CRA2XL90";
  private static final String SHA1_X = "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI=";
  private static final InetAddress CLIENT = address("192.0.2.10");
  private static final InetAddress OTHER_CLIENT = address("192.0.2.11");

  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "hash-test"));
  private final AtomicInteger submissions = new AtomicInteger();
  private final Executor countingExecutor = task -> {
    submissions.incrementAndGet();
    pool.execute(task);
  };
  private final List<PasswordHash> checkedHashes = new CopyOnWriteArrayList<>();
  private final List<String> hashThreads = new CopyOnWriteArrayList<>();
  private final CredentialVerifier.HashCheck countingCheck = (hash, password) -> {
    checkedHashes.add(hash);
    hashThreads.add(Thread.currentThread().getName());
    return hash.matches(password);
  };
  private final FakeTicker ticker = new FakeTicker();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private BasicAuthenticator.Builder builder(Executor executor) {
    return BasicAuthenticator.builder(executor).hashCheck(countingCheck).ticker(ticker);
  }

  private static CredentialSet set(String htpasswd) {
    return Htpasswd.parse(htpasswd, "test");
  }

  private static AuthResult await(CompletableFuture<AuthResult> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void rightPasswordIsGrantedAfterHashingOnTheExecutor() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();

    AuthResult result = await(auth.verify(set("alice:" + BCRYPT_X), basic("alice:x"), CLIENT));

    assertThat(result).isEqualTo(new AuthResult.Granted("alice"));
    assertThat(hashThreads).containsExactly("hash-test");
    assertThat(submissions).hasValue(1);
  }

  @Test
  void unknownUserCostsTheSameKindOfHashAsAWrongPassword() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    CredentialSet set = set("alice:" + BCRYPT_X + "\nbob:" + BCRYPT_X_2B + "\ncarol:" + SHA1_X);

    AuthResult wrongPassword = await(auth.verify(set, basic("alice:y"), CLIENT));
    AuthResult unknownUser = await(auth.verify(set, basic("mallory:x"), CLIENT));

    assertThat(wrongPassword).isEqualTo(unknownUser).isEqualTo(new AuthResult.Denied(AuthResult.Reason.WRONG_CREDENTIALS));
    assertThat(checkedHashes)
        .extracting(PasswordHash::format, PasswordHash::cost)
        .containsExactly(tuple(PasswordHash.Format.BCRYPT, 5), tuple(PasswordHash.Format.BCRYPT, 5));
    assertThat(hashThreads).containsOnly("hash-test");
  }

  @Test
  void unknownUserIsDeniedEvenWhenThePasswordFitsTheDecoy() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();

    AuthResult result = await(auth.verify(set("alice:" + BCRYPT_X), basic("mallory:x"), CLIENT));

    assertThat(result.granted()).isFalse();
    assertThat(checkedHashes).hasSize(1);
  }

  @Test
  void cachedAnswerIsAlreadyCompleteAndHashesNothing() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    CredentialSet set = set("alice:" + BCRYPT_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));
    await(auth.verify(set, basic("alice:wrong"), CLIENT));

    CompletableFuture<AuthResult> granted = auth.verify(set, basic("alice:x"), CLIENT);
    CompletableFuture<AuthResult> denied = auth.verify(set, basic("alice:wrong"), CLIENT);

    assertThat(granted).isCompletedWithValue(new AuthResult.Granted("alice"));
    assertThat(denied).isCompletedWithValue(new AuthResult.Denied(AuthResult.Reason.WRONG_CREDENTIALS));
    assertThat(checkedHashes).hasSize(2);
    assertThat(submissions).hasValue(2);
    assertThat(auth.stats().hashComputations()).isEqualTo(2);
    assertThat(auth.stats().cachedResults()).isEqualTo(2);
  }

  @Test
  void changedSetOrPasswordNeverReusesAnOldAnswer() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    await(auth.verify(set("alice:" + BCRYPT_X), basic("alice:x"), CLIENT));

    // The Secret changed: alice's password is now "correct horse battery staple".
    CredentialSet changed = set("alice:" + APR1_HORSE);
    AuthResult oldPassword = await(auth.verify(changed, basic("alice:x"), CLIENT));
    AuthResult newPassword = await(auth.verify(changed, basic("alice:correct horse battery staple"), CLIENT));

    assertThat(oldPassword.granted()).isFalse();
    assertThat(newPassword).isEqualTo(new AuthResult.Granted("alice"));
    assertThat(checkedHashes).extracting(PasswordHash::format)
        .containsExactly(PasswordHash.Format.BCRYPT, PasswordHash.Format.APR1, PasswordHash.Format.APR1);
  }

  @Test
  void sameContentReadAgainKeepsItsCachedAnswers() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    await(auth.verify(set("alice:" + BCRYPT_X), basic("alice:x"), CLIENT));

    CompletableFuture<AuthResult> again =
        auth.verify(Htpasswd.fromAuthMap(java.util.Map.of("alice", BCRYPT_X), "rebuilt"), basic("alice:x"), CLIENT);

    assertThat(again).isCompletedWithValue(new AuthResult.Granted("alice"));
    assertThat(checkedHashes).hasSize(1);
  }

  @Test
  void identicalChecksInFlightShareOneComputation() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Executor gated = task -> {
      submissions.incrementAndGet();
      pool.execute(() -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        task.run();
      });
    };
    BasicAuthenticator auth = builder(gated).build();
    CredentialSet set = set("alice:" + BCRYPT_X);
    List<CompletableFuture<AuthResult>> results = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread caller = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        results.add(auth.verify(set, basic("alice:x"), CLIENT));
      });
      caller.start();
      callers.add(caller);
    }
    start.countDown();
    for (Thread caller : callers) {
      caller.join(10_000);
    }
    assertThat(results).hasSize(8).noneMatch(CompletableFuture::isDone);

    gate.countDown();

    for (CompletableFuture<AuthResult> result : results) {
      assertThat(await(result)).isEqualTo(new AuthResult.Granted("alice"));
    }
    assertThat(checkedHashes).hasSize(1);
    assertThat(submissions).hasValue(1);
    assertThat(auth.stats().granted()).isEqualTo(8);
  }

  @Test
  void rejectedWorkFailsTheFutureAndIsNotRemembered() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Executor rejectingOnce = task -> {
      if (calls.getAndIncrement() == 0) {
        throw new RejectedExecutionException("queue full");
      }
      pool.execute(task);
    };
    BasicAuthenticator auth = builder(rejectingOnce).build();
    CredentialSet set = set("alice:" + BCRYPT_X);

    CompletableFuture<AuthResult> rejected = auth.verify(set, basic("alice:x"), CLIENT);

    assertThatThrownBy(() -> rejected.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RejectedExecutionException.class);
    assertThat(await(auth.verify(set, basic("alice:x"), CLIENT))).isEqualTo(new AuthResult.Granted("alice"));
  }

  @Test
  void missingAndMalformedHeadersAreAnsweredWithoutHashing() {
    Executor forbidden = task -> {
      throw new AssertionError("no hashing expected");
    };
    BasicAuthenticator auth = builder(forbidden).build();
    CredentialSet set = set("alice:" + BCRYPT_X);

    assertThat(auth.verify(set, null, CLIENT))
        .isCompletedWithValue(new AuthResult.Denied(AuthResult.Reason.MISSING));
    assertThat(auth.verify(set, "Bearer token", CLIENT))
        .isCompletedWithValue(new AuthResult.Denied(AuthResult.Reason.MISSING));
    assertThat(auth.verify(set, "Basic %%%", CLIENT))
        .isCompletedWithValue(new AuthResult.Denied(AuthResult.Reason.MALFORMED));
    assertThat(auth.stats().missing()).isEqualTo(2);
    assertThat(auth.stats().malformed()).isEqualTo(1);
    assertThat(auth.stats().trackedClients()).isEqualTo(1);
  }

  @Test
  void emptySetDeniesEveryoneWithoutHashing() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();

    AuthResult result = await(auth.verify(set("# nobody yet\n"), basic("alice:x"), CLIENT));

    assertThat(result.granted()).isFalse();
    assertThat(checkedHashes).isEmpty();
  }

  @Test
  void repeatedFailuresThrottleTheClientUntilTheBlockEnds() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor)
        .maxFailures(3)
        .failureWindow(Duration.ofSeconds(60))
        .blockDuration(Duration.ofSeconds(30))
        .build();
    CredentialSet set = set("alice:" + SHA1_X);
    for (int i = 0; i < 3; i++) {
      assertThat(await(auth.verify(set, basic("alice:guess" + i), CLIENT)).granted()).isFalse();
    }
    int hashesBefore = checkedHashes.size();

    assertThat(auth.verify(set, basic("alice:x"), CLIENT)).isCompletedWithValue(new AuthResult.Throttled(30));
    assertThat(checkedHashes).hasSize(hashesBefore);
    assertThat(await(auth.verify(set, basic("alice:x"), OTHER_CLIENT)).granted()).isTrue();

    ticker.advance(Duration.ofMillis(29_500));
    assertThat(auth.verify(set, basic("alice:x"), CLIENT)).isCompletedWithValue(new AuthResult.Throttled(1));

    ticker.advance(Duration.ofMillis(500));
    assertThat(await(auth.verify(set, basic("alice:x"), CLIENT))).isEqualTo(new AuthResult.Granted("alice"));
    assertThat(auth.stats().throttled()).isEqualTo(2);
    assertThat(auth.stats().wrongCredentials()).isEqualTo(3);
    assertThat(auth.stats().granted()).isEqualTo(2);
  }

  @Test
  void cachedWrongAnswersStillCountAsFailures() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).maxFailures(3).build();
    CredentialSet set = set("alice:" + SHA1_X);
    for (int i = 0; i < 3; i++) {
      await(auth.verify(set, basic("alice:same guess"), CLIENT));
    }

    assertThat(auth.verify(set, basic("alice:x"), CLIENT).join()).isInstanceOf(AuthResult.Throttled.class);
    assertThat(checkedHashes).hasSize(1);
  }

  @Test
  void failuresOutsideTheWindowDoNotAddUp() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).maxFailures(3).failureWindow(Duration.ofSeconds(60)).build();
    CredentialSet set = set("alice:" + SHA1_X);
    await(auth.verify(set, "Basic !", CLIENT));
    await(auth.verify(set, "Basic !", CLIENT));

    ticker.advance(Duration.ofSeconds(61));
    await(auth.verify(set, "Basic !", CLIENT));
    await(auth.verify(set, "Basic !", CLIENT));

    assertThat(await(auth.verify(set, basic("alice:x"), CLIENT)).granted()).isTrue();
    await(auth.verify(set, "Basic !", CLIENT));
    assertThat(auth.verify(set, basic("alice:x"), CLIENT).join()).isInstanceOf(AuthResult.Throttled.class);
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).maxFailures(2).build();
    CredentialSet set = set("alice:" + SHA1_X);
    await(auth.verify(set, "Basic !", address("2001:db8::1")));
    await(auth.verify(set, "Basic !", address("2001:db8::ffff:2")));

    assertThat(auth.verify(set, basic("alice:x"), address("2001:db8::3")).join())
        .isInstanceOf(AuthResult.Throttled.class);
    assertThat(await(auth.verify(set, basic("alice:x"), address("2001:db8:0:1::1"))).granted()).isTrue();
  }

  @Test
  void unusedAnswersExpire() throws Exception {
    // Hashing inline: on a pool, Caffeine stamps the entry when the hash completes, on that thread,
    // possibly after the test moved the clock, which would make the entry look younger.
    BasicAuthenticator auth = builder(Runnable::run).cacheExpireAfterAccess(Duration.ofMinutes(15)).build();
    CredentialSet set = set("alice:" + SHA1_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));
    ticker.advance(Duration.ofMinutes(14));
    await(auth.verify(set, basic("alice:x"), CLIENT));
    assertThat(checkedHashes).hasSize(1);

    ticker.advance(Duration.ofMinutes(16));
    await(auth.verify(set, basic("alice:x"), CLIENT));

    assertThat(checkedHashes).hasSize(2);
  }

  @Test
  void aGrantedHeaderIsAnsweredAgainWithOneSharedFuture() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    CredentialSet set = set("alice:" + BCRYPT_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));

    CompletableFuture<AuthResult> second = auth.verify(set, basic("alice:x"), CLIENT);
    CompletableFuture<AuthResult> third = auth.verify(set, basic("alice:x"), OTHER_CLIENT);

    assertThat(second).isCompletedWithValue(new AuthResult.Granted("alice")).isSameAs(third);
    assertThat(checkedHashes).hasSize(1);
    assertThat(auth.stats().granted()).isEqualTo(3);
  }

  @Test
  void aWrongPasswordAfterARightOneIsCheckedAndCountedAsAFailure() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    CredentialSet set = set("alice:" + BCRYPT_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));
    CompletableFuture<AuthResult> known = auth.verify(set, basic("alice:x"), CLIENT);

    CompletableFuture<AuthResult> wrong = auth.verify(set, basic("alice:y"), CLIENT);

    assertThat(wrong).isNotSameAs(known);
    assertThat(await(wrong)).isEqualTo(new AuthResult.Denied(AuthResult.Reason.WRONG_CREDENTIALS));
    assertThat(checkedHashes).hasSize(2);
    assertThat(auth.stats().wrongCredentials()).isEqualTo(1);
    assertThat(auth.stats().trackedClients()).isEqualTo(1);
    // The same wrong password again comes from the verifier's cache, still as a failure.
    assertThat(auth.verify(set, basic("alice:y"), CLIENT).join().granted()).isFalse();
    assertThat(auth.stats().wrongCredentials()).isEqualTo(2);
  }

  @Test
  void aBlockedClientIsRefusedEvenWithAHeaderGrantedBefore() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).maxFailures(2).build();
    CredentialSet set = set("alice:" + SHA1_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));
    assertThat(auth.verify(set, basic("alice:x"), CLIENT)).isCompletedWithValue(new AuthResult.Granted("alice"));
    await(auth.verify(set, basic("alice:guess1"), CLIENT));
    await(auth.verify(set, basic("alice:guess2"), CLIENT));

    // Otherwise a blocked client would learn that a guess is right from a 200 among its 429s.
    assertThat(auth.verify(set, basic("alice:x"), CLIENT).join()).isInstanceOf(AuthResult.Throttled.class);
    assertThat(auth.verify(set, basic("alice:x"), OTHER_CLIENT)).isCompletedWithValue(new AuthResult.Granted("alice"));
  }

  @Test
  void aRotatedSecretIsCheckedAgainAtOnce() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).build();
    CredentialSet before = set("alice:" + BCRYPT_X);
    await(auth.verify(before, basic("alice:x"), CLIENT));
    assertThat(auth.verify(before, basic("alice:x"), CLIENT)).isCompletedWithValue(new AuthResult.Granted("alice"));

    // The Secret changed: alice's password is now "correct horse battery staple".
    CredentialSet after = set("alice:" + APR1_HORSE);
    AuthResult oldPassword = await(auth.verify(after, basic("alice:x"), CLIENT));

    assertThat(oldPassword).isEqualTo(new AuthResult.Denied(AuthResult.Reason.WRONG_CREDENTIALS));
    assertThat(checkedHashes).extracting(PasswordHash::format)
        .containsExactly(PasswordHash.Format.BCRYPT, PasswordHash.Format.APR1);
    // And a user removed from the Secret is not let in by a grant of the old content.
    CredentialSet withoutAlice = set("bob:" + APR1_HORSE);
    assertThat(await(auth.verify(withoutAlice, basic("alice:x"), CLIENT)).granted()).isFalse();
  }

  @Test
  void anEvictedGrantIsCheckedAgainThroughTheVerifier() throws Exception {
    BasicAuthenticator auth = builder(countingExecutor).cacheMaximumSize(1).build();
    CredentialSet set = set("alice:" + SHA1_X + "\nbob:" + SHA1_X);
    await(auth.verify(set, basic("alice:x"), CLIENT));
    CompletableFuture<AuthResult> alice = auth.verify(set, basic("alice:x"), CLIENT);
    assertThat(auth.verify(set, basic("alice:x"), CLIENT)).isSameAs(alice);

    await(auth.verify(set, basic("bob:x"), CLIENT));
    CompletableFuture<AuthResult> again = auth.verify(set, basic("alice:x"), CLIENT);

    assertThat(again).isNotSameAs(alice);
    assertThat(await(again)).isEqualTo(new AuthResult.Granted("alice"));
    assertThat(auth.verify(set, basic("alice:x"), CLIENT)).isSameAs(auth.verify(set, basic("alice:x"), CLIENT));
  }

  @Test
  void challengeQuotesTheRealm() {
    assertThat(BasicAuthenticator.challenge("Preview \"staging\" \\ area\n"))
        .isEqualTo("Basic realm=\"Preview \\\"staging\\\" \\\\ area \", charset=\"UTF-8\"");
  }

  @Test
  void argumentsAreChecked() {
    BasicAuthenticator auth = builder(countingExecutor).build();

    assertThatThrownBy(() -> BasicAuthenticator.builder(pool).maxFailures(0))
        .hasMessage("maxFailures: 0 (expected: >= 1)");
    assertThatThrownBy(() -> BasicAuthenticator.builder(pool).failureWindow(Duration.ZERO))
        .hasMessage("failureWindow: PT0S (expected: > 0)");
    assertThatThrownBy(() -> BasicAuthenticator.builder(pool).cacheMaximumSize(0))
        .hasMessage("cacheMaximumSize: 0 (expected: >= 1)");
    assertThatThrownBy(() -> auth.verify(set(""), null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new AuthResult.Throttled(0)).hasMessage("retryAfterSeconds: 0 (expected: >= 1)");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no lookup happens
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** Time that moves only when the test says so. */
  static final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }
  }
}
