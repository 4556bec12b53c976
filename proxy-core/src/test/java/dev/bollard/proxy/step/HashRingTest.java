package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashRingTest {

  private static final int KEYS = 100_000;

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new Endpoint("10.0.0." + i, 8080));
    }
    return list;
  }

  @Test
  void everyEndpointGetsItsShareWithinAFifth() {
    HashRing ring = HashRing.over(endpoints(5));
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      counts.merge(ring.pick("/path/" + k), 1, Integer::sum);
    }
    assertThat(counts).hasSize(5);
    // 160 points per endpoint keep each share within 20% of 1/5 (measured: within 8%).
    for (int count : counts.values()) {
      assertThat(count).isBetween((int) (KEYS / 5 * 0.8), (int) (KEYS / 5 * 1.2));
    }
  }

  @Test
  void anEndpointJoiningTakesOnlyItsShareOfKeys() {
    HashRing four = HashRing.over(endpoints(4));
    HashRing five = HashRing.over(endpoints(5));
    Endpoint joined = endpoints(5).get(4);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      Endpoint before = four.pick("user-" + k);
      Endpoint after = five.pick("user-" + k);
      if (!before.equals(after)) {
        // A key moves only to the new endpoint, never between old ones.
        assertThat(after).isEqualTo(joined);
        moved++;
      }
    }
    assertThat(moved).isBetween((int) (KEYS / 5 * 0.8), (int) (KEYS / 5 * 1.2));
  }

  @Test
  void theOrderEndpointsComeInDoesNotMatter() {
    List<Endpoint> reversed = new ArrayList<>(endpoints(3));
    java.util.Collections.reverse(reversed);
    HashRing a = HashRing.over(endpoints(3));
    HashRing b = HashRing.over(reversed);
    for (int k = 0; k < 1000; k++) {
      assertThat(a.pick("k" + k)).isEqualTo(b.pick("k" + k));
    }
  }

  @Test
  void anEmptyBackendHasNoEndpointAndRingsAreKeptPerBackend() {
    assertThat(HashRing.of(new Backend("ns/empty:80", List.of())).pick("x")).isNull();
    Backend backend = new Backend("ns/app:80", endpoints(2));
    assertThat(HashRing.of(backend)).isSameAs(HashRing.of(backend));
  }
}
