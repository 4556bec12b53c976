package dev.bollard.bench;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.routing.Routed;
import dev.bollard.proxy.routing.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookup ({@link RouteTable#match}) per request, and {@link RouteTable#compile} per snapshot,
 * for clusters of 1, 1,000 and 100,000 exact hosts (plus one wildcard domain per ten hosts).
 *
 * <p>The requests cycle through a fixed, shuffled mix resembling edge traffic: 70% exact-host hits
 * (some with a port or upper case, on Prefix and Exact paths), 20% wildcard hits, 10% misses that
 * fall to the default backend. The mix is precomputed so the benchmark measures lookup, not string
 * building.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteLookupBenchmark {

  /** A power of two, so the cycling index is a mask, not a modulo. */
  private static final int MIX_SIZE = 4096;

  @Param({"1", "1000", "100000"})
  public int hosts;

  private RoutingSnapshot snapshot = RoutingSnapshot.EMPTY;
  private RouteTable table = RouteTable.compile(RoutingSnapshot.EMPTY);
  private String[] authorities = new String[0];
  private String[] paths = new String[0];
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    snapshot = snapshot(hosts);
    table = RouteTable.compile(snapshot);
    authorities = new String[MIX_SIZE];
    paths = new String[MIX_SIZE];
    SplittableRandom random = new SplittableRandom(42);
    String[] requestPaths = {"/", "/api/v1/orders/123", "/healthz", "/assets/app.js", "/api"};
    int wildcardDomains = wildcardDomains(hosts);
    for (int i = 0; i < MIX_SIZE; i++) {
      int kind = random.nextInt(100);
      String authority;
      if (kind < 70) {
        int h = random.nextInt(hosts);
        authority = switch (random.nextInt(4)) {
          case 0 -> "app-" + h + ".example.com:443";
          case 1 -> "APP-" + h + ".Example.com";
          default -> "app-" + h + ".example.com";
        };
      } else if (kind < 90) {
        authority = "pr-" + random.nextInt(1000) + ".tenant-" + random.nextInt(wildcardDomains)
            + ".preview.example.com";
      } else {
        authority = "unknown-" + random.nextInt(1000) + ".example.org";
      }
      authorities[i] = authority;
      paths[i] = requestPaths[random.nextInt(requestPaths.length)];
    }
    // Fail the trial rather than measure a table that routes nothing.
    if (!table.match("app-0.example.com", "/api/v1").isFound()
        || !table.match("x.tenant-0.preview.example.com", "/").isFound()) {
      throw new IllegalStateException("the benchmark snapshot does not route its own hosts");
    }
  }

  @Benchmark
  public Routed match() {
    int i = next++ & (MIX_SIZE - 1);
    return table.match(authorities[i], paths[i]);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public RouteTable compile() {
    return RouteTable.compile(snapshot);
  }

  static int wildcardDomains(int hosts) {
    return Math.max(1, hosts / 10);
  }

  /** Each host has the routes a typical Rails app's Ingress has: {@code /}, {@code /api}, health. */
  static RoutingSnapshot snapshot(int hosts) {
    Backend fallback = backend("default/fallback:80", 0);
    List<VirtualHost> vhosts = new ArrayList<>(hosts + wildcardDomains(hosts));
    for (int h = 0; h < hosts; h++) {
      vhosts.add(new VirtualHost("app-" + h + ".example.com", routes("app-" + h, h)));
    }
    for (int w = 0; w < wildcardDomains(hosts); w++) {
      vhosts.add(new VirtualHost("*.tenant-" + w + ".preview.example.com", routes("preview-" + w, w)));
    }
    vhosts.sort((a, b) -> a.hostPattern().compareTo(b.hostPattern()));
    return new RoutingSnapshot(1, vhosts, fallback);
  }

  private static List<Route> routes(String name, int n) {
    RouteSource source = RouteSource.ingress("ns-" + (n % 100), name);
    Backend web = backend("ns-" + (n % 100) + "/" + name + "-web:80", n);
    Backend api = backend("ns-" + (n % 100) + "/" + name + "-api:80", n + 1);
    return List.of(
        new Route(new PathMatch.Prefix("/"), web, source),
        new Route(new PathMatch.Prefix("/api"), api, source),
        new Route(new PathMatch.Exact("/healthz"), web, source));
  }

  private static Backend backend(String id, int n) {
    return new Backend(id, List.of(
        new Endpoint("10.0." + ((n >> 8) & 255) + "." + (n & 255), 8080),
        new Endpoint("10.1." + ((n >> 8) & 255) + "." + (n & 255), 8080)));
  }
}
