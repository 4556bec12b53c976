package dev.bollard.controller.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TrafficRatesTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final TrafficRates rates = new TrafficRates(registry);

  private Counter requests(String ingress, String statusClass) {
    return Counter.builder("bollard.requests").tag("namespace", "shop").tag("ingress", ingress)
        .tag("service", "web").tag("method", "GET").tag("status_class", statusClass)
        .register(registry);
  }

  @Test
  void ratesAreTheDifferencesBetweenSamplesPerIngressAndErrorsAreThe5xx() {
    requests("web", "2xx").increment(10);
    rates.sample();
    assertThat(rates.series()).as("one read is no rate yet").isEmpty();

    requests("web", "2xx").increment(30);
    requests("web", "5xx").increment(4);
    requests("api", "2xx").increment(2);
    rates.sample();

    TrafficRates.Series web = rates.series().get("shop/web");
    assertThat(web.requests()).singleElement().satisfies(r -> assertThat(r).isPositive());
    assertThat(web.errors()).singleElement().satisfies(e -> assertThat(e).isPositive());
    // Requests count the 5xx too: 34 requests, 4 of them errors, over the same interval.
    assertThat(web.requests().get(0) / web.errors().get(0)).isCloseTo(34.0 / 4, within());
    assertThat(rates.series()).containsKey("shop/api");
  }

  @Test
  void onlyTheLastMinuteIsKept() {
    for (int i = 0; i <= TrafficRates.SAMPLES + 5; i++) {
      requests("web", "2xx").increment();
      rates.sample();
    }
    assertThat(rates.series().get("shop/web").requests()).hasSize(TrafficRates.SAMPLES);
  }

  @Test
  void requestsNoRouteServedAreNotAnIngress() {
    Counter.builder("bollard.requests").tag("namespace", "").tag("ingress", "")
        .tag("service", "").tag("method", "GET").tag("status_class", "4xx").register(registry)
        .increment(5);
    rates.sample();
    rates.sample();
    assertThat(rates.series()).isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
