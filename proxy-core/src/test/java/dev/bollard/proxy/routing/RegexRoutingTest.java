package dev.bollard.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hosts with a {@link PathMatch.Regex} route: matched as ingress-nginx's nginx matches a server
 * where an Ingress uses {@code use-regex} or {@code rewrite-target} (cases from ingress-nginx's
 * e2e tests {@code test/e2e/annotations/rewrite.go} and its path-matching guide).
 */
class RegexRoutingTest {

  private static final Backend DEFAULT = backend("default");

  private static Backend backend(String name) {
    return new Backend("ns/" + name + ":80", List.of(new Endpoint("127.0.0.1", 8080)));
  }

  private static Route route(PathMatch path, String backend) {
    return new Route(path, backend(backend), RouteSource.ingress("ns", "ing-" + backend));
  }

  private static RouteTable table(VirtualHost... hosts) {
    return RouteTable.compile(new RoutingSnapshot(1, List.of(hosts), DEFAULT));
  }

  private static String target(RouteTable table, String host, String path) {
    Backend backend = table.match(host, path).backend();
    String id = backend == null ? "ns/404:" : backend.id();
    return id.substring(id.indexOf('/') + 1, id.indexOf(':'));
  }

  private static PathMatch regex(String p) {
    return new PathMatch.Regex(p);
  }

  @Test
  void aRegexPathPutsEveryPathOfItsHostInRegexMode() {
    // rewrite.go "should use ~* location modifier if regex annotation is present".
    RouteTable t = table(new VirtualHost("rewrite.bar.com", List.of(
        route(new PathMatch.Prefix("/foo"), "foo"), route(regex("/foo.+"), "regex"))));
    assertThat(target(t, "rewrite.bar.com", "/foo")).isEqualTo("foo");
    assertThat(target(t, "rewrite.bar.com", "/foo/bar")).isEqualTo("regex");
  }

  @Test
  void theLongerPathIsTriedFirstEvenWhenTheShorterIsTheLiteralMatch() {
    // rewrite.go "should fail to use longest match for documented warning".
    RouteTable t = table(new VirtualHost("rewrite.bar.com", List.of(
        route(new PathMatch.Prefix("/foo/bar/bar"), "literal"),
        route(regex("/foo/bar/[a-z]{3}"), "regex"))));
    assertThat(target(t, "rewrite.bar.com", "/foo/bar/bar")).isEqualTo("regex");
    assertThat(target(t, "rewrite.bar.com", "/foo/bar/ba")).isEqualTo("default");
  }

  @Test
  void aRootRegexDoesNotShadowLongerPaths() {
    // rewrite.go "should use correct longest path match".
    RouteTable t = table(new VirtualHost("rewrite.bar.com", List.of(
        route(new PathMatch.Prefix("/.well-known/acme/challenge"), "lego"),
        route(regex("/"), "index"))));
    assertThat(target(t, "rewrite.bar.com", "/.well-known/acme/challenge")).isEqualTo("lego");
    assertThat(target(t, "rewrite.bar.com", "/other")).isEqualTo("index");
  }

  @Test
  void everyPathOfARegexHostIsCaseInsensitiveAndMatchesAsAStringPrefix() {
    RouteTable t = table(
        new VirtualHost("regex.test", List.of(
            route(new PathMatch.Prefix("/foo"), "foo"), route(regex("/x"), "x"))),
        new VirtualHost("plain.test", List.of(route(new PathMatch.Prefix("/foo"), "foo"))));
    assertThat(target(t, "regex.test", "/FOO/bar")).isEqualTo("foo");
    assertThat(target(t, "regex.test", "/foobar")).isEqualTo("foo");
    assertThat(target(t, "regex.test", "/X/y")).isEqualTo("x");
    // Another host keeps the Ingress semantics: element-wise, case-sensitive.
    assertThat(target(t, "plain.test", "/FOO/bar")).isEqualTo("default");
    assertThat(target(t, "plain.test", "/foobar")).isEqualTo("default");
    assertThat(target(t, "plain.test", "/foo/bar")).isEqualTo("foo");
  }

  @Test
  void anExactPathOfARegexHostLosesItsExactness() {
    // ingress-nginx's buildLocation writes ~* "^/exact" for an Exact path on a regex server.
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(new PathMatch.Exact("/exact"), "exact"), route(regex("/other"), "other"))));
    assertThat(target(t, "regex.test", "/exact")).isEqualTo("exact");
    assertThat(target(t, "regex.test", "/EXACT/more")).isEqualTo("exact");
  }

  @Test
  void aPrefixPathIsTwoLocationsAndAnExactPathOfTheSameStringWinsTheShorterOne() {
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(new PathMatch.Exact("/app"), "exact"),
        route(new PathMatch.Prefix("/app"), "prefix"),
        route(regex("/zzz"), "z"))));
    assertThat(regexOrder(t, "regex.test")).containsExactly("/app/", "/zzz", "/app");
    assertThat(target(t, "regex.test", "/app")).isEqualTo("exact");
    assertThat(target(t, "regex.test", "/app/x")).isEqualTo("prefix");
    assertThat(target(t, "regex.test", "/apple")).isEqualTo("exact");
  }

  @Test
  void equalLengthsAreTriedGreaterStringFirstAndTheFirstMatchWins() {
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(regex("/a.c"), "dot"), route(regex("/abc"), "abc"), route(regex("/"), "root"))));
    assertThat(regexOrder(t, "regex.test")).containsExactly("/abc", "/a.c", "/");
    assertThat(target(t, "regex.test", "/abc")).isEqualTo("abc");
    assertThat(target(t, "regex.test", "/axc")).isEqualTo("dot");
    assertThat(target(t, "regex.test", "/b")).isEqualTo("root");
  }

  @Test
  void theNormalisedPathIsMatched() {
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(regex("/admin(/|$)(.*)"), "admin"), route(regex("/public"), "public"))));
    assertThat(target(t, "regex.test", "/public/../admin/x")).isEqualTo("admin");
    assertThat(target(t, "regex.test", "/%61dmin")).isEqualTo("admin");
    assertThat(target(t, "regex.test", "//admin")).isEqualTo("admin");
  }

  @Test
  void aPathologicalExpressionIsMatchedInLinearTime() {
    // (a+)+$ against a+b backtracks exponentially in a backtracking engine (java.util.regex,
    // PCRE without limits); RE2 answers in time linear in the path.
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(regex("/(a+)+$"), "evil"), route(regex("/(x+x+)+y"), "evil2"))));
    String path = "/" + "a".repeat(100_000) + "b";
    String xs = "/" + "x".repeat(100_000);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 10; i++) {
        assertThat(target(t, "regex.test", path)).isEqualTo("default");
        assertThat(target(t, "regex.test", xs)).isEqualTo("default");
      }
    });
    assertThat(target(t, "regex.test", "/aaa")).isEqualTo("evil");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/(a)\\1", "/(?=a)b", "/(?!a)b", "/(?<=a)b", "/a(?#comment)", "/a(",
      "/a[", "/(?<!x)y", "/a++", "/(?>a)"})
  void anExpressionRe2CannotMatchIsRefusedWhenTheRouteIsMade(String path) {
    assertThatThrownBy(() -> new PathMatch.Regex(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a regular expression Bollard can match (RE2 syntax");
  }

  @Test
  void aNonRegexPathRe2CannotReadIsMatchedLiterallyOnARegexHost() {
    RouteTable t = table(new VirtualHost("regex.test", List.of(
        route(new PathMatch.Prefix("/odd("), "odd"), route(regex("/r"), "r"))));
    assertThat(target(t, "regex.test", "/ODD(/x")).isEqualTo("odd");
  }

  private static List<String> regexOrder(RouteTable table, String host) {
    return table.regexOrder(host);
  }
}
