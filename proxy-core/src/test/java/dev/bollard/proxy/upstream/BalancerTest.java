package dev.bollard.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.LoadBalance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerTest {

  private static final Endpoint A = new Endpoint("10.0.0.1", 80);
  private static final Endpoint B = new Endpoint("10.0.0.2", 80);
  private static final Endpoint C = new Endpoint("10.0.0.3", 80);
  private static final Backend ABC = new Backend("ns/app:80", List.of(A, B, C));
  private static final long MS = 1_000_000;

  /** A clock the test moves; draws from a seeded generator, so every run is the same. */
  private long now = 1_000 * MS;
  private final Random random = new Random(16);
  private final Balancer balancer = new Balancer(() -> now, random::nextInt);

  @Test
  void roundRobinTakesEachEndpointInTurnAndListsEveryEndpointOnce() {
    List<Endpoint> firsts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      List<Endpoint> order = balancer.tryOrder(ABC, LoadBalance.ROUND_ROBIN, null);
      assertThat(order).containsExactlyInAnyOrder(A, B, C);
      firsts.add(order.get(0));
    }
    assertThat(firsts).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void aPinnedEndpointGoesFirstWhateverTheAlgorithmAndAnUnknownOneIsIgnored() {
    for (LoadBalance balance : LoadBalance.values()) {
      for (int i = 0; i < 4; i++) {
        List<Endpoint> order = balancer.tryOrder(ABC, balance, B);
        assertThat(order.get(0)).isEqualTo(B);
        assertThat(order).containsExactlyInAnyOrder(A, B, C);
      }
      assertThat(balancer.tryOrder(ABC, balance, new Endpoint("10.9.9.9", 80)))
          .containsExactlyInAnyOrder(A, B, C);
    }
  }

  @Test
  void ewmaSendsClearlyLessToASlowEndpoint() {
    Map<Endpoint, Long> latency = Map.of(A, 2 * MS, B, 2 * MS, C, 50 * MS);
    Map<Endpoint, Integer> counts = new HashMap<>();
    int requests = 3000;
    for (int i = 0; i < requests; i++) {
      Endpoint first = balancer.tryOrder(ABC, LoadBalance.EWMA, null).get(0);
      counts.merge(first, 1, Integer::sum);
      EndpointLoad load = balancer.load(first);
      load.started();
      long start = now;
      now += latency.get(first);
      load.ended(start, now);
    }
    // Round robin would give C a third (1000). Peak-EWMA learns C's 50 ms on its first answer;
    // from then on C loses every draw against a 2 ms endpoint until its average has decayed
    // below 2 ms (10 s * ln 25 = 32 s, longer than this run's ~7 s): a handful at most.
    assertThat(counts.getOrDefault(C, 0)).isLessThan(requests / 20);
    assertThat(counts.get(A)).isGreaterThan(requests * 4 / 10);
    assertThat(counts.get(B)).isGreaterThan(requests * 4 / 10);
    assertThat(balancer.load(A).inFlight()).isZero();
  }

  @Test
  void ewmaWeighsRequestsInFlight() {
    Backend ab = new Backend("ns/ab:80", List.of(A, B));
    for (Endpoint e : List.of(A, B)) {
      EndpointLoad load = balancer.load(e);
      load.started();
      load.ended(now - 10 * MS, now);
    }
    // Same latency; A holds three requests: every new one goes to B (score 10 against 40).
    for (int i = 0; i < 3; i++) {
      balancer.load(A).started();
    }
    for (int i = 0; i < 50; i++) {
      assertThat(balancer.tryOrder(ab, LoadBalance.EWMA, null).get(0)).isEqualTo(B);
    }
  }

  @Test
  void ewmaForgetsSlownessOverTimeAndANewEndpointStartsAtTheAverage() {
    EndpointLoad c = balancer.load(C);
    c.started();
    c.ended(now - 50 * MS, now);
    EndpointLoad a = balancer.load(A);
    a.started();
    a.ended(now - 10 * MS, now);
    assertThat(c.ewmaAt(now)).isEqualTo(50.0 * MS);
    // After 10 s without news the average is 1/e of itself.
    assertThat(c.ewmaAt(now + 10_000 * MS))
        .isCloseTo(50.0 * MS / Math.E, org.assertj.core.data.Offset.offset(1.0));
    // B was never measured: it scores as the average of A and C (30 ms), so it wins the draws
    // against C and loses those against A; C wins none.
    Map<Endpoint, Integer> firsts = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      firsts.merge(balancer.tryOrder(ABC, LoadBalance.EWMA, null).get(0), 1, Integer::sum);
    }
    assertThat(firsts).containsOnlyKeys(A, B);
  }

  @Test
  void aFasterAnswerPullsTheAverageDownAsFastAsTimePassed() {
    EndpointLoad a = balancer.load(A);
    a.started();
    a.ended(now - 40 * MS, now);
    now += 10_000 * MS;
    a.started();
    a.ended(now - 10 * MS, now);
    double w = Math.exp(-1);
    assertThat(a.ewmaAt(now)).isCloseTo(40.0 * MS * w + 10.0 * MS * (1 - w),
        org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void leastConnSteersNewRequestsAwayFromHeldOnes() {
    // Two requests held open on A, one on B: C is next, then B and C tie below A.
    balancer.load(A).started();
    balancer.load(A).started();
    balancer.load(B).started();
    assertThat(balancer.tryOrder(ABC, LoadBalance.LEAST_CONN, null).get(0)).isEqualTo(C);
    balancer.load(C).started();
    List<Endpoint> firsts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      firsts.add(balancer.tryOrder(ABC, LoadBalance.LEAST_CONN, null).get(0));
    }
    // B and C hold one each: the tie goes by the rotation, never to A.
    assertThat(firsts).doesNotContain(A).contains(B, C);
    // A's requests end: A has none in flight and is first again.
    balancer.load(A).abandoned();
    balancer.load(A).ended(now - MS, now);
    assertThat(balancer.tryOrder(ABC, LoadBalance.LEAST_CONN, null).get(0)).isEqualTo(A);
  }

  @Test
  void endsBalanceStartsAndForgottenEndpointsStartAfresh() {
    EndpointLoad a = balancer.load(A);
    a.started();
    a.started();
    a.ended(now - MS, now);
    a.abandoned();
    a.abandoned(); // an extra end never goes below zero
    assertThat(a.inFlight()).isZero();
    a.started();
    balancer.retain(Set.of(ABC.id()), Set.of(B, C));
    assertThat(balancer.load(A)).isNotSameAs(a);
    assertThat(balancer.load(A).inFlight()).isZero();
    assertThat(balancer.load(B)).isSameAs(balancer.load(B));
  }

  @Test
  void oneEndpointNeedsNoOrderOfItsOwn() {
    Backend one = new Backend("ns/one:80", List.of(A));
    for (LoadBalance balance : LoadBalance.values()) {
      assertThat(balancer.tryOrder(one, balance, null)).isSameAs(one.endpoints());
    }
    assertThat(balancer.tryOrder(new Backend("ns/none:80", List.of()), LoadBalance.EWMA, null))
        .isEmpty();
  }
}
