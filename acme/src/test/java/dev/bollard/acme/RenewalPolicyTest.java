package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.acme.CertificateEvents.OrderReason;
import dev.bollard.acme.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofDays(90));
  private final RenewalPolicy policy =
      new RenewalPolicy(1.0 / 3, Duration.ofMinutes(5), Duration.ofHours(1));
  private final TestCertificates.Issued ca = TestCertificates.ca("policy CA");
  private final CertificateBundle bundle = bundle("a.example.com", "b.example.com");
  private final DesiredCertificate desired =
      DesiredCertificate.of("ns/tls", "b.example.com", "A.example.com");

  @Test
  void ordersMissingAndChangedCertificates() {
    assertThat(policy.reason(desired, null, NOT_BEFORE, Optional.empty()))
        .contains(OrderReason.MISSING);
    assertThat(
            policy.reason(
                DesiredCertificate.of("ns/tls", "a.example.com"),
                bundle,
                NOT_BEFORE,
                Optional.empty()))
        .contains(OrderReason.HOSTS_CHANGED);
    assertThat(policy.reason(desired, bundle, NOT_BEFORE, Optional.empty())).isEmpty();
  }

  @Test
  void renewsWhenAThirdOfTheLifetimeRemains() {
    Instant threshold = NOT_AFTER.minus(Duration.ofDays(30));
    assertThat(policy.reason(desired, bundle, threshold.minusSeconds(1), Optional.empty()))
        .isEmpty();
    assertThat(policy.reason(desired, bundle, threshold, Optional.empty()))
        .contains(OrderReason.RENEWAL_DUE);
  }

  @Test
  void renewsInsideTheCasWindowWhenItComesFirst() {
    var window =
        new RenewalWindow(
            NOT_BEFORE.plus(Duration.ofDays(10)), NOT_BEFORE.plus(Duration.ofDays(11)));
    Instant renewAt = policy.renewAt("ns/tls", bundle, Optional.of(window));
    assertThat(renewAt).isBetween(window.start(), window.end());
    assertThat(policy.renewAt("ns/tls", bundle, Optional.of(window)))
        .as("stable across passes")
        .isEqualTo(renewAt);
    assertThat(policy.reason(desired, bundle, renewAt, Optional.of(window)))
        .contains(OrderReason.RENEWAL_DUE);

    var late = new RenewalWindow(NOT_AFTER.minusSeconds(60), NOT_AFTER);
    assertThat(policy.renewAt("ns/tls", bundle, Optional.of(late)))
        .isEqualTo(NOT_AFTER.minus(Duration.ofDays(30)));
  }

  @Test
  void backsOffExponentiallyUpToTheCapAndHonoursRetryAfter() {
    Instant now = NOT_BEFORE;
    assertThat(policy.nextAttempt(now, 1, Optional.empty()))
        .isEqualTo(now.plus(Duration.ofMinutes(5)));
    assertThat(policy.nextAttempt(now, 2, Optional.empty()))
        .isEqualTo(now.plus(Duration.ofMinutes(10)));
    assertThat(policy.nextAttempt(now, 4, Optional.empty()))
        .isEqualTo(now.plus(Duration.ofMinutes(40)));
    assertThat(policy.nextAttempt(now, 5, Optional.empty()))
        .isEqualTo(now.plus(Duration.ofHours(1)));
    assertThat(policy.nextAttempt(now, 500, Optional.empty()))
        .isEqualTo(now.plus(Duration.ofHours(1)));
    Instant retryAfter = now.plus(Duration.ofHours(3));
    assertThat(policy.nextAttempt(now, 1, Optional.of(retryAfter))).isEqualTo(retryAfter);
    assertThat(policy.nextAttempt(now, 1, Optional.of(now.plusSeconds(1))))
        .isEqualTo(now.plus(Duration.ofMinutes(5)));
  }

  private CertificateBundle bundle(String... hosts) {
    var leaf = TestCertificates.leaf(ca, NOT_BEFORE, NOT_AFTER, hosts);
    return CertificateBundle.parse(leaf.certificatePem(), leaf.privateKeyPem());
  }
}
