package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryTest {

  private static final Backend CANARY =
      new Backend("ns/canary:80", List.of(new Endpoint("10.0.0.2", 80)), List.of());

  private static HttpHeaders headers(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void headerAlwaysAndNeverBeatCookieAndWeight() {
    Canary c = new Canary(CANARY, "X-Canary", null, null, "canary", 100, 100);
    assertThat(c.toCanary(headers("x-canary", "never", "cookie", "canary=always"))).isFalse();
    Canary none = new Canary(CANARY, "X-Canary", null, null, "canary", 0, 100);
    assertThat(none.toCanary(headers("X-Canary", "always", "cookie", "canary=never"))).isTrue();
  }

  @Test
  void anOtherHeaderValueFallsThroughToCookieThenWeight() {
    Canary c = new Canary(CANARY, "X-Canary", null, null, "canary", 0, 100);
    assertThat(c.toCanary(headers("X-Canary", "maybe", "cookie", "a=b; canary=always"))).isTrue();
    assertThat(c.toCanary(headers("X-Canary", "maybe", "cookie", "canary=sometimes"))).isFalse();
    Canary all = new Canary(CANARY, "X-Canary", null, null, "canary", 100, 100);
    assertThat(all.toCanary(headers("X-Canary", "maybe"))).isTrue();
    assertThat(all.toCanary(headers("cookie", "canary=never"))).isFalse();
  }

  @Test
  void headerValueSelectsOnlyThatValueAndReplacesAlwaysAndNever() {
    Canary c = new Canary(CANARY, "X-Canary", "blue", "ignored.*", null, 0, 100);
    assertThat(c.toCanary(headers("X-Canary", "blue"))).isTrue();
    assertThat(c.toCanary(headers("X-Canary", "always"))).isFalse();
    assertThat(c.toCanary(headers("X-Canary", "ignored-too"))).isFalse();
    Canary weighted = new Canary(CANARY, "X-Canary", "blue", null, null, 100, 100);
    assertThat(weighted.toCanary(headers("X-Canary", "never"))).as("never is only a value here")
        .isTrue();
  }

  @Test
  void headerPatternIsFoundAnywhereInTheValue() {
    Canary c = new Canary(CANARY, "X-Canary", null, "^(blue|green)$", null, 0, 100);
    assertThat(c.toCanary(headers("X-Canary", "green"))).isTrue();
    assertThat(c.toCanary(headers("X-Canary", "greener"))).isFalse();
    assertThat(c.toCanary(headers("X-Canary", "always"))).isFalse();
    Canary loose = new Canary(CANARY, "X-Canary", null, "ee", null, 0, 100);
    assertThat(loose.toCanary(headers("X-Canary", "greener"))).isTrue();
  }

  @Test
  void aTenantsHeaderPatternCannotBacktrackOnAClientsValue() {
    // (a+)+$ against "aaa…b" takes exponential time in a backtracking engine; RE2 answers at once.
    Canary c = new Canary(CANARY, "X-Canary", null, "(a+)+$", null, 0, 100);
    String hostile = "a".repeat(50_000) + "b";
    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThat(c.toCanary(headers("X-Canary", hostile))).isFalse());
    assertThat(c.toCanary(headers("X-Canary", "baaa"))).isTrue();
  }

  @Test
  void cookieNeedsItsExactName() {
    assertThat(Canary.cookieVerdict("xcanary=always; canary=never", "canary")).isEqualTo(-1);
    assertThat(Canary.cookieVerdict("canary=always", "canary")).isEqualTo(1);
    assertThat(Canary.cookieVerdict("canaryx=always", "canary")).isZero();
    assertThat(Canary.cookieVerdict("canary=alwaysx", "canary")).isZero();
    assertThat(Canary.cookieVerdict("a=1;canary=always ", "canary")).isEqualTo(1);
    assertThat(Canary.cookieVerdict("canary=never; canary=always", "canary")).isEqualTo(-1);
  }

  @Test
  void weightZeroNeverAndFullWeightAlways() {
    Canary zero = new Canary(CANARY, null, null, null, null, 0, 100);
    Canary full = new Canary(CANARY, null, null, null, null, 100, 100);
    Canary bigTotal = new Canary(CANARY, null, null, null, null, 1000, 1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(zero.toCanary(headers())).isFalse();
      assertThat(full.toCanary(headers())).isTrue();
      assertThat(bigTotal.toCanary(headers())).isTrue();
    }
  }

  @Test
  void aTotalBelowOneHundredCountsAsOneHundredAsInIngressNginx() {
    // weight 10 of total 10 would be "always"; ingress-nginx's balancer draws from 100 instead.
    Canary c = new Canary(CANARY, null, null, null, null, 10, 10);
    int hits = 0;
    for (int i = 0; i < 2000; i++) {
      hits += c.toCanary(headers()) ? 1 : 0;
    }
    // Binomial(2000, 0.1): mean 200, sd 13.4; 6 sd either way.
    assertThat(hits).isBetween(120, 280);
  }

  @Test
  void decideSwitchesTheRequestToTheCanaryBackend() {
    Canary c = new Canary(CANARY, "X-Canary", null, null, null, 0, 100);
    Req yes = new Req(headers("X-Canary", "always"));
    assertThat(c.decide(yes)).isSameAs(StepOutcome.PASS);
    assertThat(yes.chosen).isSameAs(CANARY);
    Req no = new Req(headers("X-Canary", "never"));
    c.decide(no);
    assertThat(no.chosen).isNull();
  }

  @Test
  void aCanaryWithoutReadyEndpointsIsNeverChosen() {
    Backend empty = new Backend("ns/canary:80", List.of(), List.of());
    Canary c = new Canary(empty, "X-Canary", null, null, null, 100, 100);
    Req request = new Req(headers("X-Canary", "always"));
    assertThat(c.decide(request)).isSameAs(StepOutcome.PASS);
    assertThat(request.chosen).isNull();
  }

  /** A request with these headers that records the backend a step chose. */
  private static final class Req extends TestStepRequest {
    Backend chosen;

    Req(HttpHeaders headers) {
      super("a.example", new io.netty.handler.codec.http.DefaultHttpRequest(
          io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
          io.netty.handler.codec.http.HttpMethod.GET, "/", headers));
    }

    @Override
    public void useBackend(Backend backend) {
      chosen = backend;
    }

    @Override
    public void guardVerdict(dev.bollard.proxy.guard.GuardVerdict verdict) {}
  }

  @Test
  void badWeightsAreRefused() {
    assertThatThrownBy(() -> new Canary(CANARY, null, null, null, null, -1, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Canary(CANARY, null, null, null, null, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
