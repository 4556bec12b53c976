package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.acme.testing.MutableClock;
import dev.bollard.acme.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manager decisions against a fake issuer; the real CA is exercised in {@link
 * CertificateManagerPebbleTest}.
 */
class CertificateManagerTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
  private final FakeIssuer issuer = new FakeIssuer();
  private CertificateStorage storage;
  private final Locker locker = Locker.inProcess();
  private CertificateManager manager;

  @BeforeEach
  void setUp() {
    storage = CertificateStorage.directory(dir);
    manager =
        CertificateManager.builder(issuer, storage, locker)
            .clock(clock)
            .backoff(Duration.ofMinutes(5), Duration.ofHours(1))
            .build();
  }

  @Test
  void honoursRetryAfterOfARateLimit() throws IOException {
    Instant retryAfter = clock.instant().plus(Duration.ofHours(3));
    issuer.failure = new IssuanceException("rate limited", retryAfter, true, null);
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));

    assertThat(manager.runOnce().failed()).containsExactly("ns/a");
    assertThat(storage.load("ns/a").orElseThrow().renewal().nextAttempt()).isEqualTo(retryAfter);

    issuer.failure = null;
    clock.set(retryAfter.minusSeconds(1));
    assertThat(manager.runOnce().ordered()).isEmpty();
    clock.set(retryAfter);
    assertThat(manager.runOnce().issued()).containsExactly("ns/a");
  }

  @Test
  void reordersWhenHostsChangeKeepingTheOldCertificateMeanwhile() throws IOException {
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));
    manager.runOnce();
    CertificateBundle first = storage.load("ns/a").orElseThrow().bundle();

    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com", "b.example.com")));
    issuer.failure = new IssuanceException("validation failed", null);
    manager.runOnce();
    assertThat(storage.load("ns/a").orElseThrow().bundle()).isEqualTo(first);

    issuer.failure = null;
    clock.advance(Duration.ofMinutes(5));
    assertThat(manager.runOnce().issued()).containsExactly("ns/a");
    assertThat(storage.load("ns/a").orElseThrow().bundle().hosts())
        .containsExactly("a.example.com", "b.example.com");
    assertThat(issuer.replaced).containsExactly(null, first, first);
  }

  @Test
  void leavesOrderingToTheLockHolder() throws IOException {
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));
    try (Locker.Lock elsewhere = locker.tryAcquire("bollard-acme").orElseThrow()) {
      var result = manager.runOnce();

      assertThat(result.lockBusy()).isTrue();
      assertThat(issuer.replaced).isEmpty();
    }
    assertThat(storage.load("ns/a")).isEmpty();
  }

  @Test
  void renewsEarlyWhenTheCasRenewalWindowSaysSo() {
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));
    manager.runOnce();
    issuer.window =
        new RenewalWindow(
            clock.instant().plus(Duration.ofDays(9)), clock.instant().plus(Duration.ofDays(10)));

    clock.advance(Duration.ofDays(8));
    assertThat(manager.runOnce().ordered()).isEmpty();
    clock.advance(Duration.ofDays(2));
    assertThat(manager.runOnce().issued()).containsExactly("ns/a");
  }

  @Test
  void backsOffAfterAnUnexpectedIssuerError() throws IOException {
    issuer.unexpected = new IllegalStateException("bug");
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));

    assertThat(manager.runOnce().failed()).containsExactly("ns/a");
    assertThat(storage.load("ns/a").orElseThrow().renewal().nextAttempt())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
  }

  @Test
  void aFailureHoldsBackOnlyTheIssuerItWasMetWith() throws IOException {
    issuer.fingerprint = "directory-1";
    issuer.failure = new IssuanceException("ordering failed: PKIX path building failed", null);
    manager.setDesired(List.of(DesiredCertificate.of("ns/a", "a.example.com")));
    assertThat(manager.runOnce().failed()).containsExactly("ns/a");
    assertThat(manager.runOnce().ordered()).as("backing off").isEmpty();
    assertThat(storage.load("ns/a").orElseThrow().renewal().fingerprint())
        .isEqualTo("directory-1");

    // Another directory or trust: tried at once, and counted as a first failure.
    issuer.fingerprint = "directory-2";
    assertThat(manager.runOnce().failed()).containsExactly("ns/a");
    RenewalState state = storage.load("ns/a").orElseThrow().renewal();
    assertThat(state.failures()).isEqualTo(1);
    assertThat(state.nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

    issuer.failure = null;
    issuer.fingerprint = "directory-3";
    assertThat(manager.runOnce().issued()).containsExactly("ns/a");
  }

  @Test
  void refusesOneNameForTwoHostSets() {
    assertThatThrownBy(
            () ->
                manager.setDesired(
                    List.of(
                        DesiredCertificate.of("ns/a", "a.example.com"),
                        DesiredCertificate.of("ns/a", "b.example.com"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ns/a' named twice");
  }

  /** Issues certificates from a test CA, valid 90 days from the fake clock. */
  private final class FakeIssuer implements Issuer {
    final TestCertificates.Issued ca = TestCertificates.ca("fake CA");
    final List<@Nullable CertificateBundle> replaced = new ArrayList<>();
    @Nullable IssuanceException failure;
    @Nullable RuntimeException unexpected;
    @Nullable RenewalWindow window;
    String fingerprint = "";

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public CertificateBundle issue(
        String name, Set<String> hosts, @Nullable CertificateBundle replacing)
        throws IssuanceException {
      replaced.add(replacing);
      if (unexpected != null) {
        throw unexpected;
      }
      if (failure != null) {
        throw failure;
      }
      var leaf =
          TestCertificates.leaf(
              ca,
              clock.instant(),
              clock.instant().plus(Duration.ofDays(90)),
              hosts.toArray(String[]::new));
      return CertificateBundle.parse(leaf.certificatePem(), leaf.privateKeyPem());
    }

    @Override
    public Optional<RenewalWindow> renewalWindow(CertificateBundle certificate) {
      return Optional.ofNullable(window);
    }
  }
}
