package dev.bollard.controller.publish;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.routing.CurrentRoutes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SnapshotPublisherTest {

  private final CurrentRoutes routes = new CurrentRoutes();
  private final SnapshotPublisher publisher = new SnapshotPublisher(routes);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SnapshotPublisher.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  @Test
  void firstSnapshotIsPublishedAsVersionOneEvenWhenEmpty() {
    long version = publisher.publish(new TranslationResult(RoutingSnapshot.EMPTY, List.of()));

    assertThat(version).isEqualTo(1);
    assertThat(routes.isPublished()).isTrue();
    assertThat(routes.table().snapshot().version()).isEqualTo(1);
  }

  @Test
  void snapshotWithTheSameContentIsDropped() {
    publisher.publish(result(snapshot("shop.example.com", 8080)));
    RoutingSnapshot served = routes.table().snapshot();

    long version = publisher.publish(result(snapshot("shop.example.com", 8080)));

    assertThat(version).isEqualTo(1);
    assertThat(routes.table().snapshot()).isSameAs(served);
  }

  @Test
  void changedContentGetsTheNextVersionWhateverVersionTheTranslatorSet() {
    publisher.publish(result(snapshot("shop.example.com", 8080)));

    long version = publisher.publish(result(snapshot("shop.example.com", 9090).withVersion(77)));

    assertThat(version).isEqualTo(2);
    assertThat(routes.table().snapshot().version()).isEqualTo(2);
    assertThat(routes.table().snapshot().virtualHosts().get(0).routes().get(0).backend().endpoints())
        .containsExactly(new Endpoint("127.0.0.1", 9090));
    assertThat(publisher.current()).isEqualTo(routes.table().snapshot());
  }

  @Test
  void problemsAreLoggedOnlyWhenTheyChange() {
    Problem a = new Problem("Ingress shop/web", "spec.rules[0].host", "bad host");
    Problem b = new Problem("Ingress shop/api", "spec.defaultBackend", "no such Service");

    publisher.publish(new TranslationResult(RoutingSnapshot.EMPTY, List.of(a, b)));
    publisher.publish(new TranslationResult(RoutingSnapshot.EMPTY, List.of(b, a)));
    publisher.publish(new TranslationResult(RoutingSnapshot.EMPTY, List.of(b)));

    assertThat(warnings()).containsExactly(a.toString(), b.toString(), b.toString());
  }

  @Test
  void onePublishedVersionIsOneInfoLine() {
    publisher.publish(result(snapshot("a.example.com", 1)));
    publisher.publish(result(snapshot("a.example.com", 1)));
    publisher.publish(result(snapshot("a.example.com", 2)));

    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Published snapshot version 1: 1 hosts, 1 routes, 0 problems",
            "Published snapshot version 2: 1 hosts, 1 routes, 0 problems");
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static TranslationResult result(RoutingSnapshot snapshot) {
    return new TranslationResult(snapshot, List.of());
  }

  private static RoutingSnapshot snapshot(String host, int port) {
    Backend backend = new Backend("shop/web:80", List.of(new Endpoint("127.0.0.1", port)));
    Route route =
        new Route(new PathMatch.Prefix("/"), backend, RouteSource.ingress("shop", "web"));
    return new RoutingSnapshot(0, List.of(new VirtualHost(host, List.of(route))), null);
  }
}
