package dev.bollard.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

  private static final Backend DEFAULT = backend("default");

  /** Name of the backend the request reaches, "404" when none. */
  private static String target(RouteTable table, String host, String path) {
    Routed match = table.match(host, path);
    Backend backend = match.backend();
    if (backend == null) {
      return "404";
    }
    String id = backend.id();
    return id.substring(id.indexOf('/') + 1, id.indexOf(':'));
  }

  private static Backend backend(String name) {
    return new Backend("ns/" + name + ":80", List.of(new Endpoint("127.0.0.1", 8080)));
  }

  private static Route route(PathMatch path, String backend) {
    return new Route(path, backend(backend), RouteSource.ingress("ns", "ing-" + backend));
  }

  private static RouteTable table(@Nullable Backend fallback, VirtualHost... hosts) {
    return RouteTable.compile(new RoutingSnapshot(1, Arrays.asList(hosts), fallback));
  }

  private static VirtualHost host(String pattern, Route... routes) {
    return new VirtualHost(pattern, List.of(routes));
  }

  private static PathMatch prefix(String p) {
    return new PathMatch.Prefix(p);
  }

  private static PathMatch exact(String p) {
    return new PathMatch.Exact(p);
  }

  @Nested
  class Hosts {
    private final RouteTable table =
        table(
            DEFAULT,
            host("foo.com", route(prefix("/"), "foo")),
            host("*.foo.com", route(prefix("/"), "wild")),
            host("exact.foo.com", route(prefix("/"), "exact")),
            host("_", route(prefix("/anyhost"), "any")));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
      "foo.com, foo",
      "FOO.com, foo",
      "foo.com:8080, foo",
      "foo.com., foo",
      "Foo.Com.:443, foo",
      "bar.foo.com, wild",
      "BAR.foo.com:80, wild",
      "exact.foo.com, exact",
      "baz.bar.foo.com, default",
      "other.com, default",
      "'', default",
      "[::1]:8080, default",
    })
    void host_precedence(String host, String expected) {
      assertThat(target(table, host, "/x")).isEqualTo(expected);
    }

    @Test
    void wildcard_does_not_match_its_own_domain() {
      RouteTable wildOnly = table(null, host("*.foo.com", route(prefix("/"), "wild")));
      assertThat(target(wildOnly, "foo.com", "/")).isEqualTo("404");
      assertThat(target(wildOnly, "a.foo.com", "/")).isEqualTo("wild");
      assertThat(target(wildOnly, ".foo.com", "/")).isEqualTo("404");
    }

    @Test
    void hostless_rules_catch_unknown_hosts_only() {
      assertThat(target(table, "unknown.example", "/anyhost/a")).isEqualTo("any");
      // foo.com has its own server: its unmatched paths do not fall through to host-less rules.
      RouteTable narrow =
          table(DEFAULT, host("foo.com", route(prefix("/app"), "foo")), host("_", route(prefix("/"), "any")));
      assertThat(target(narrow, "foo.com", "/other")).isEqualTo("default");
      assertThat(target(narrow, "bar.com", "/other")).isEqualTo("any");
    }

    @Test
    void ipv6_literal_host_matches_with_brackets() {
      RouteTable v6 = table(null, host("[::1]", route(prefix("/"), "v6")));
      assertThat(target(v6, "[::1]:8080", "/")).isEqualTo("v6");
      assertThat(target(v6, "[::1]", "/")).isEqualTo("v6");
    }

    @Test
    void no_default_backend_means_404() {
      RouteTable noDefault = table(null, host("foo.com", route(prefix("/app"), "foo")));
      assertThat(noDefault.match("foo.com", "/nope").isFound()).isFalse();
      assertThat(noDefault.match("bar.com", "/app").isFound()).isFalse();
    }

    @Test
    void default_backend_match_has_no_route() {
      Routed match = table.match("other.com", "/");
      assertThat(match.backend()).isEqualTo(DEFAULT);
      assertThat(match.route()).isNull();
    }
  }

  @Nested
  class Paths {

    /** Cases from the Kubernetes Ingress documentation's table of examples. */
    @ParameterizedTest(name = "{0} {1} vs {2} -> {3}")
    @CsvSource({
      "Prefix, /, /any/path, true",
      "Exact, /foo, /foo, true",
      "Exact, /foo, /bar, false",
      "Exact, /foo, /foo/, false",
      "Exact, /foo/, /foo, false",
      "Prefix, /foo, /foo, true",
      "Prefix, /foo, /foo/, true",
      "Prefix, /foo/, /foo, true",
      "Prefix, /foo/, /foo/, true",
      "Prefix, /aaa/bb, /aaa/bbb, false",
      "Prefix, /aaa/bbb, /aaa/bbb, true",
      "Prefix, /aaa/bbb/, /aaa/bbb, true",
      "Prefix, /aaa/bbb, /aaa/bbb/, true",
      "Prefix, /aaa/bbb, /aaa/bbb/ccc, true",
      "Prefix, /aaa/bbb, /aaa/bbbxyz, false",
      "Prefix, /foo, /foobar, false",
      "ImplementationSpecific, /foo, /foo/bar, true",
      "ImplementationSpecific, /foo, /foobar, false",
    })
    void kubernetes_examples(String type, String rulePath, String requestPath, boolean matches) {
      PathMatch path =
          switch (type) {
            case "Exact" -> exact(rulePath);
            case "Prefix" -> prefix(rulePath);
            default -> new PathMatch.ImplementationSpecific(rulePath);
          };
      RouteTable table = table(null, host("h", route(path, "app")));
      assertThat(table.match("h", requestPath).isFound()).isEqualTo(matches);
    }

    @Test
    void longest_prefix_wins() {
      RouteTable table =
          table(
              null,
              host(
                  "h",
                  route(prefix("/"), "root"),
                  route(prefix("/aaa"), "a"),
                  route(prefix("/aaa/bbb"), "ab"),
                  route(prefix("/aaa/bbb/ccc/"), "abc")));
      assertThat(target(table, "h", "/")).isEqualTo("root");
      assertThat(target(table, "h", "/aaa")).isEqualTo("a");
      assertThat(target(table, "h", "/aaa/bb")).isEqualTo("a");
      assertThat(target(table, "h", "/aaa/bbb/x")).isEqualTo("ab");
      assertThat(target(table, "h", "/aaa/bbb/ccc")).isEqualTo("abc");
      assertThat(target(table, "h", "/zzz")).isEqualTo("root");
    }

    @Test
    void exact_beats_prefix_on_the_same_path() {
      RouteTable table =
          table(null, host("h", route(prefix("/foo"), "prefix"), route(exact("/foo"), "exact")));
      assertThat(target(table, "h", "/foo")).isEqualTo("exact");
      assertThat(target(table, "h", "/foo/")).isEqualTo("prefix");
      assertThat(target(table, "h", "/foo/bar")).isEqualTo("prefix");
    }

    @Test
    void exact_beats_a_prefix_written_with_trailing_slash() {
      RouteTable table =
          table(null, host("h", route(prefix("/foo/"), "prefix"), route(exact("/foo"), "exact")));
      assertThat(target(table, "h", "/foo")).isEqualTo("exact");
    }

    @Test
    void earlier_route_wins_among_equal_paths() {
      RouteTable table =
          table(
              null,
              host(
                  "h",
                  route(prefix("/app"), "older"),
                  route(new PathMatch.ImplementationSpecific("/app/"), "newer"),
                  route(exact("/x"), "older-exact"),
                  route(exact("/x"), "newer-exact")));
      assertThat(target(table, "h", "/app/1")).isEqualTo("older");
      assertThat(target(table, "h", "/x")).isEqualTo("older-exact");
    }

    @Test
    void the_same_host_in_two_virtual_hosts_is_merged_in_order() {
      RouteTable table =
          table(
              null,
              host("h", route(prefix("/a"), "first")),
              host("h", route(prefix("/a"), "second"), route(prefix("/b"), "b")));
      assertThat(target(table, "h", "/a")).isEqualTo("first");
      assertThat(target(table, "h", "/b")).isEqualTo("b");
    }

    @Test
    void exact_paths_are_case_sensitive() {
      RouteTable table = table(null, host("h", route(exact("/Foo"), "app")));
      assertThat(table.match("h", "/Foo").isFound()).isTrue();
      assertThat(table.match("h", "/foo").isFound()).isFalse();
    }

    @ParameterizedTest(name = "{0} is matched as {1}")
    @CsvSource({
      "/public/../admin, admin",
      "/public/./x, public",
      "/public/%2E%2E/admin, admin",
      "//admin, admin",
      "/%61dmin, admin",
      "/public//x, public",
      "/../../admin/x, admin",
      "/public/.well-known, public",
    })
    void paths_are_normalised_before_matching(String path, String expected) {
      RouteTable table =
          table(
              DEFAULT,
              host("h", route(prefix("/public"), "public"), route(prefix("/admin"), "admin")));
      assertThat(target(table, "h", path)).isEqualTo(expected);
    }
  }

  @Test
  void matching_a_large_table_finds_every_host() {
    List<VirtualHost> hosts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      hosts.add(host("h" + i + ".example.com", route(prefix("/"), "b" + i)));
    }
    RouteTable table = RouteTable.compile(new RoutingSnapshot(1, hosts, null));
    for (int i = 0; i < 1000; i += 97) {
      assertThat(target(table, "H" + i + ".example.com:443", "/")).isEqualTo("b" + i);
    }
  }

  @Test
  void current_routes_swaps_tables_and_reports_publication() {
    CurrentRoutes current = new CurrentRoutes();
    assertThat(current.isPublished()).isFalse();
    assertThat(current.table().match("h", "/").isFound()).isFalse();
    RouteTable before = current.table();
    current.publish(
        new RoutingSnapshot(2, List.of(host("h", route(prefix("/"), "app"))), null));
    assertThat(current.isPublished()).isTrue();
    assertThat(target(current.table(), "h", "/")).isEqualTo("app");
    // A request that took the old table keeps it.
    assertThat(before.match("h", "/").isFound()).isFalse();
  }
}
