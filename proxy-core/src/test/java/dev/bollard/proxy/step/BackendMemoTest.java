package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendMemoTest {

  private final List<Backend> derived = new ArrayList<>();
  private final BackendMemo<String> memo = new BackendMemo<>(b -> {
    derived.add(b);
    return "value of " + b.id();
  });

  @Test
  void aRouteAndItsCanaryAreDerivedOnceEach() {
    Backend main = new Backend("ns/app:80", List.of());
    Backend canary = new Backend("ns/app-canary:80", List.of());
    for (int i = 0; i < 5; i++) {
      assertThat(memo.of(main)).isEqualTo("value of ns/app:80");
      assertThat(memo.of(canary)).isEqualTo("value of ns/app-canary:80");
    }
    assertThat(derived).containsExactly(main, canary);
  }

  @Test
  void backendsAreToldApartByIdentityNotByValue() {
    // A new snapshot brings an equal Backend with other endpoints: it must be derived anew.
    Backend before = new Backend("ns/app:80", List.of());
    Backend after = new Backend("ns/app:80", List.of());
    memo.of(before);
    memo.of(after);
    assertThat(derived).hasSize(2);
    assertThat(derived.get(0)).isSameAs(before);
    assertThat(derived.get(1)).isSameAs(after);
  }

  @Test
  void aThirdBackendPushesOutTheOldest() {
    Backend a = new Backend("ns/a:80", List.of());
    Backend b = new Backend("ns/b:80", List.of());
    Backend c = new Backend("ns/c:80", List.of());
    memo.of(a);
    memo.of(b);
    memo.of(c);
    memo.of(b);
    memo.of(a);
    assertThat(derived).containsExactly(a, b, c, a);
  }
}
