package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.acme.testing.Http01Responder;
import dev.bollard.acme.testing.MutableClock;
import dev.bollard.acme.testing.PebbleExtension;
import dev.bollard.acme.testing.TlsAlpn01Responder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager and the acme4j issuer against a real ACME server validating through real listeners.
 */
class CertificateManagerPebbleTest {
  @RegisterExtension static final PebbleExtension PEBBLE = new PebbleExtension();

  private static final ChallengeTokens TOKENS = ChallengeTokens.inMemory();
  private static final ChallengeResponder WRONG =
      new ChallengeResponder() {
        @Override
        public Optional<String> http01(String token) {
          return Optional.of(token + ".not-the-key-authorization");
        }

        @Override
        public Optional<TlsAlpnCertificate> tlsAlpn01(String host) {
          return Optional.empty();
        }
      };
  private static @Nullable Http01Responder http;
  private static @Nullable TlsAlpn01Responder tls;

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.now());
  private final Duration initialBackoff = Duration.ofMinutes(10);

  @BeforeAll
  static void startListeners() {
    http = new Http01Responder(PEBBLE.httpPort(), TOKENS);
    tls = new TlsAlpn01Responder(PEBBLE.tlsPort(), TOKENS);
  }

  @AfterAll
  static void stopListeners() {
    if (http != null) {
      http.close();
    }
    if (tls != null) {
      tls.close();
    }
  }

  @AfterEach
  void answerCorrectly() {
    http().respondWith(TOKENS);
  }

  @Test
  void issuesByHttp01OnItsSchedulerThread() throws IOException {
    String host = host("http01");
    var storage = CertificateStorage.directory(dir.resolve("certs"));
    try (var manager =
        manager(issuer(ChallengeType.HTTP_01), storage, Locker.inProcess())
            .checkInterval(Duration.ofHours(1))
            .build()) {
      manager.start();
      manager.setDesired(List.of(DesiredCertificate.of("default/web-tls", host)));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  storage
                      .load("default/web-tls")
                      .flatMap(StoredCertificate::certificate)
                      .isPresent());
    }

    StoredCertificate stored = storage.load("default/web-tls").orElseThrow();
    assertThat(stored.bundle().hosts()).containsExactly(host);
    assertThat(stored.bundle().issuer()).containsIgnoringCase("pebble");
    assertThat(stored.bundle().chainPem()).contains("BEGIN CERTIFICATE");
    assertThat(stored.bundle().leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(stored.renewal().failures()).isZero();
    assertThat(TOKENS.http01("any")).isEmpty();
  }

  @Test
  void issuesByTlsAlpn01() throws IOException {
    String host = host("alpn");
    var storage = CertificateStorage.directory(dir);
    var manager = manager(issuer(ChallengeType.TLS_ALPN_01), storage, Locker.inProcess()).build();
    manager.setDesired(List.of(DesiredCertificate.of("default/alpn-tls", host)));

    var result = manager.runOnce();

    assertThat(result.issued()).containsExactly("default/alpn-tls");
    assertThat(storage.load("default/alpn-tls").orElseThrow().bundle().hosts())
        .containsExactly(host);
    assertThat(TOKENS.tlsAlpn01(host)).as("challenge certificate withdrawn").isEmpty();
  }

  @Test
  void renewsWhenAThirdOfTheLifetimeRemainsAndServesTheOldCertificateUntilThen()
      throws IOException {
    String host = host("renew");
    var storage = CertificateStorage.directory(dir);
    var seenWhileOrdering = new CopyOnWriteArrayList<Optional<CertificateBundle>>();
    Issuer acme = issuer(ChallengeType.HTTP_01);
    Issuer observing =
        (name, hosts, replacing) -> {
          try {
            seenWhileOrdering.add(storage.load(name).flatMap(StoredCertificate::certificate));
          } catch (IOException e) {
            throw new IssuanceException(e.getMessage(), e);
          }
          return acme.issue(name, hosts, replacing);
        };
    var manager = manager(observing, storage, Locker.inProcess()).build();
    manager.setDesired(List.of(DesiredCertificate.of("default/renew-tls", host)));
    assertThat(manager.runOnce().issued()).containsExactly("default/renew-tls");
    CertificateBundle first = storage.load("default/renew-tls").orElseThrow().bundle();
    Duration lifetime = Duration.between(first.notBefore(), first.notAfter());

    clock.set(first.notBefore().plus(lifetime.multipliedBy(6).dividedBy(10)));
    assertThat(manager.runOnce().ordered()).as("60% of the lifetime: not due yet").isEmpty();

    clock.set(first.notBefore().plus(lifetime.multipliedBy(7).dividedBy(10)));
    assertThat(manager.runOnce().issued()).containsExactly("default/renew-tls");

    CertificateBundle second = storage.load("default/renew-tls").orElseThrow().bundle();
    assertThat(second).isNotEqualTo(first);
    assertThat(second.hosts()).containsExactly(host);
    assertThat(seenWhileOrdering).containsExactly(Optional.empty(), Optional.of(first));
  }

  @Test
  void failedRenewalKeepsTheOldCertificate() throws IOException {
    String host = host("keep");
    var storage = CertificateStorage.directory(dir);
    var manager = manager(issuer(ChallengeType.HTTP_01), storage, Locker.inProcess()).build();
    manager.setDesired(List.of(DesiredCertificate.of("default/keep-tls", host)));
    manager.runOnce();
    CertificateBundle first = storage.load("default/keep-tls").orElseThrow().bundle();

    // Renewed under another account: Pebble reuses a valid authorization of the same account now
    // and then even with PEBBLE_AUTHZREUSE=0 (it creates a new one only if rand.Intn(100) > 0),
    // and a reused authorization asks for no validation, so the wrong answer would go unasked.
    var renewing =
        manager(issuer(ChallengeType.HTTP_01, "renewal-account.key"), storage, Locker.inProcess())
            .build();
    renewing.setDesired(List.of(DesiredCertificate.of("default/keep-tls", host)));
    http().respondWith(WRONG);
    clock.set(first.notAfter().minus(Duration.ofDays(1)));
    assertThat(renewing.runOnce().failed()).containsExactly("default/keep-tls");

    StoredCertificate stored = storage.load("default/keep-tls").orElseThrow();
    assertThat(stored.bundle()).isEqualTo(first);
    assertThat(stored.renewal().failures()).isEqualTo(1);
    assertThat(stored.renewal().lastError()).contains("http-01 validation of " + host);
  }

  @Test
  void backsOffAfterAFailedValidationAcrossARestart() throws IOException {
    String host = host("backoff");
    var storage = CertificateStorage.directory(dir);
    var desired = List.of(DesiredCertificate.of("default/backoff-tls", host));
    http().respondWith(WRONG);
    var first = manager(issuer(ChallengeType.HTTP_01), storage, Locker.inProcess()).build();
    first.setDesired(desired);

    assertThat(first.runOnce().failed()).containsExactly("default/backoff-tls");
    RenewalState state = storage.load("default/backoff-tls").orElseThrow().renewal();
    assertThat(state.failures()).isEqualTo(1);
    assertThat(state.nextAttempt()).isEqualTo(clock.instant().plus(initialBackoff));
    assertThat(state.lastError()).contains(host);

    // A "restarted" replica: new manager and issuer, same storage.
    http().respondWith(TOKENS);
    var calls = new AtomicInteger();
    Issuer counting = counting(issuer(ChallengeType.HTTP_01), calls);
    var restarted = manager(counting, storage, Locker.inProcess()).build();
    restarted.setDesired(desired);
    clock.advance(initialBackoff.minusSeconds(1));
    assertThat(restarted.runOnce().ordered()).isEmpty();
    assertThat(calls).hasValue(0);

    clock.advance(Duration.ofSeconds(1));
    assertThat(restarted.runOnce().issued()).containsExactly("default/backoff-tls");
    assertThat(calls).hasValue(1);
    assertThat(storage.load("default/backoff-tls").orElseThrow().renewal())
        .isEqualTo(RenewalState.succeeded(clock.instant()));
  }

  @Test
  void anUntrustedCaFailsNamingTheCertificateProblemAndTrustingItRetriesAtOnce()
      throws IOException {
    String host = host("trust");
    var storage = CertificateStorage.directory(dir);
    var desired = List.of(DesiredCertificate.of("default/trust-tls", host));
    Issuer untrusting =
        Issuer.acme(
            AcmeSettings.builder(PEBBLE.directory())
                .trustAdvice("pass --acme-ca-file with the CA's PEM")
                .pollInterval(Duration.ofMillis(50))
                .build(),
            AccountKeyStorage.file(dir.resolve("account.key")),
            TOKENS);
    var first = manager(untrusting, storage, Locker.inProcess()).build();
    first.setDesired(desired);

    assertThat(first.runOnce().failed()).containsExactly("default/trust-tls");
    RenewalState failed = storage.load("default/trust-tls").orElseThrow().renewal();
    assertThat(failed.lastError())
        .contains(host, PEBBLE.directory().toString(), "PKIX path building failed")
        .endsWith("— pass --acme-ca-file with the CA's PEM");
    assertThat(failed.nextAttempt()).isEqualTo(clock.instant().plus(initialBackoff));

    // The operator adds the CA: the order goes out on the next pass, not after the backoff.
    var calls = new AtomicInteger();
    var fixed =
        manager(counting(issuer(ChallengeType.HTTP_01), calls), storage, Locker.inProcess())
            .build();
    fixed.setDesired(desired);
    assertThat(fixed.runOnce().issued()).containsExactly("default/trust-tls");
    assertThat(calls).hasValue(1);
  }

  @Test
  void twoManagersSharingLockAndStorageOrderOnce() throws Exception {
    String host = host("replicas");
    var storage = CertificateStorage.directory(dir);
    Locker locker = Locker.inProcess();
    var calls = new AtomicInteger();
    var barrier = new CyclicBarrier(2);
    var desired = List.of(DesiredCertificate.of("default/shared-tls", host));
    List<CertificateManager> managers =
        List.of(replica(storage, locker, calls), replica(storage, locker, calls));
    managers.forEach(manager -> manager.setDesired(desired));

    var results =
        managers.stream()
            .map(
                manager ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            barrier.await();
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                          return manager.runOnce();
                        }))
            .toList();
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get();

    assertThat(calls).hasValue(1);
    assertThat(results.stream().mapToInt(result -> result.join().issued().size()).sum())
        .isEqualTo(1);
    assertThat(storage.load("default/shared-tls").orElseThrow().bundle().hosts())
        .containsExactly(host);
  }

  private CertificateManager replica(
      CertificateStorage storage, Locker locker, AtomicInteger calls) {
    return manager(counting(issuer(ChallengeType.HTTP_01), calls), storage, locker).build();
  }

  /** {@code acme}, counting its orders; the fingerprint is {@code acme}'s. */
  private static Issuer counting(Issuer acme, AtomicInteger calls) {
    return new Issuer() {
      @Override
      public CertificateBundle issue(
          String name, java.util.Set<String> hosts, @Nullable CertificateBundle replacing)
          throws IssuanceException {
        calls.incrementAndGet();
        return acme.issue(name, hosts, replacing);
      }

      @Override
      public String fingerprint() {
        return acme.fingerprint();
      }
    };
  }

  private CertificateManager.Builder manager(
      Issuer issuer, CertificateStorage storage, Locker locker) {
    return CertificateManager.builder(issuer, storage, locker)
        .clock(clock)
        .backoff(initialBackoff, Duration.ofHours(6));
  }

  private Issuer issuer(ChallengeType type) {
    return issuer(type, "account.key");
  }

  private Issuer issuer(ChallengeType type, String accountKeyFile) {
    return Issuer.acme(
        PEBBLE.settings().challengeTypes(List.of(type)).build(),
        AccountKeyStorage.file(dir.resolve(accountKeyFile)),
        TOKENS);
  }

  private static Http01Responder http() {
    if (http == null) {
      throw new IllegalStateException("listeners not started");
    }
    return http;
  }

  private static String host(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
  }
}
