package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.AccessRules;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.MapPatterns;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.Snapshots;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The client address and User-Agent steps (ingress-nginx's {@code allowlist-source-range}, {@code
 * denylist-source-range}, {@code block-cidrs}, {@code block-user-agents}) and how the global ones
 * join a route's chain.
 */
class ClientAccessStepsTest {

  private static final RouteSource SOURCE = RouteSource.ingress("test", "shop");

  private static ClientRanges ranges(ClientRanges.Kind kind, String... cidrs) {
    return new ClientRanges(kind, CidrSet.parse(List.of(cidrs)));
  }

  private static int status(RouteStep step, String client, @Nullable String agent) {
    StepOutcome outcome = step.decide(new Req(client, agent));
    if (outcome == StepOutcome.PASS) {
      return 200;
    }
    FullHttpResponse response = ((StepOutcome.Answer) outcome).response(true);
    try {
      return response.status().code();
    } finally {
      response.release();
    }
  }

  @Test
  void anAllowListPassesOnlyItsClientsV4AndV6() {
    ClientRanges allow = ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8", "192.0.2.7", "2001:db8::/32");
    assertThat(allow.phase()).isEqualTo(Phase.ACCESS);
    assertThat(status(allow, "10.1.2.3", null)).isEqualTo(200);
    assertThat(status(allow, "192.0.2.7", null)).isEqualTo(200);
    assertThat(status(allow, "192.0.2.8", null)).isEqualTo(403);
    assertThat(status(allow, "11.0.0.1", null)).isEqualTo(403);
    assertThat(status(allow, "2001:db8:1::5", null)).isEqualTo(200);
    assertThat(status(allow, "2001:db9::5", null)).isEqualTo(403);
    assertThat(status(allow, "::ffff:10.9.9.9", null)).isEqualTo(200);
  }

  @Test
  void aDenyListRefusesOnlyItsClients() {
    ClientRanges deny = ranges(ClientRanges.Kind.DENY, "10.0.0.0/8", "::1");
    assertThat(status(deny, "10.1.2.3", null)).isEqualTo(403);
    assertThat(status(deny, "::1", null)).isEqualTo(403);
    assertThat(status(deny, "127.0.0.1", null)).isEqualTo(200);
    assertThat(status(deny, "11.0.0.1", null)).isEqualTo(200);
  }

  @Test
  void anEmptyAllowListIsRefusedRatherThanClosingOrOpeningTheRoute() {
    assertThatThrownBy(() -> ranges(ClientRanges.Kind.ALLOW, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty allow-list");
  }

  @Test
  void blockedUserAgentsMatchWholeStringsIgnoringCaseOrRegexes() {
    BlockedHeader block = new BlockedHeader(BlockedHeader.Kind.USER_AGENT,
        MapPatterns.parse(List.of("BadBot/1.0", "~^curl/", "~*python")));
    assertThat(block.phase()).isEqualTo(Phase.HOST_REDIRECT);
    assertThat(status(block, "192.0.2.1", "badbot/1.0")).isEqualTo(403);
    assertThat(status(block, "192.0.2.1", "BadBot/1.0 extra")).isEqualTo(200);
    assertThat(status(block, "192.0.2.1", "curl/8.0")).isEqualTo(403);
    assertThat(status(block, "192.0.2.1", "xcurl/8.0")).isEqualTo(200);
    assertThat(status(block, "192.0.2.1", "Curl/8.0")).isEqualTo(200);
    assertThat(status(block, "192.0.2.1", "Mozilla Python-urllib/3")).isEqualTo(403);
    assertThat(status(block, "192.0.2.1", "Mozilla/5.0")).isEqualTo(200);
    assertThat(status(block, "192.0.2.1", null)).isEqualTo(200);
  }

  @Test
  void aBadUserAgentRegexIsRefusedNamingIt() {
    assertThatThrownBy(() -> MapPatterns.parse(List.of("ok", "~(unclosed")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("~(unclosed");
  }

  @Test
  void globalListsApplyToRoutesWithoutListsOfTheirOwnAndBlocksEverywhere() {
    AccessRules rules = new AccessRules(CidrSet.parse(List.of("10.0.0.0/8")),
        CidrSet.parse(List.of("10.6.6.6")), CidrSet.parse(List.of("192.0.2.66")),
        MapPatterns.parse(List.of("evil")), MapPatterns.parse(List.of("~*spam\\.example")));
    Backend app = Snapshots.backend("test/app:80", new dev.bollard.proxy.config.Endpoint("127.0.0.1", 9));
    Route plain = new Route(new PathMatch.Prefix("/"), app, SOURCE);
    Route own = new Route(new PathMatch.Prefix("/own"), app, SOURCE)
        .withFeatures(List.of(ranges(ClientRanges.Kind.ALLOW, "172.16.0.0/12")));
    VirtualHost host = new VirtualHost("shop.test", List.of(own, plain));
    RoutingSnapshot snapshot = Snapshots.of(host)
        .withSettings(GlobalSettings.DEFAULTS.withAccess(rules));

    StepChain global = StepChains.forRoute(plain, host, snapshot);
    assertThat(global.names()).contains("block-cidrs", "block-user-agents", "block-referers",
        "denylist-source-range", "allowlist-source-range");
    StepChain ownChain = StepChains.forRoute(own, host, snapshot);
    assertThat(ownChain.names()).containsOnlyOnce("allowlist-source-range");
    ClientRanges ownAllow = (ClientRanges) step(ownChain, "allowlist-source-range");
    assertThat(ownAllow.ranges().cidrs()).containsExactly("172.16.0.0/12");
    // The global deny-list still applies: the Ingress has none of its own.
    assertThat(ownChain.names()).contains("denylist-source-range", "block-cidrs");
    StepChain none = StepChains.withoutRoute(host, snapshot);
    assertThat(none.names()).contains("block-cidrs", "block-user-agents")
        .doesNotContain("allowlist-source-range", "denylist-source-range");
  }

  /**
   * An authentication stand-in, by User-Agent: "credentials" authenticates, "unguarded" passes
   * unchecked (a path it does not guard), "slow" and "slow-unguarded" do the same through pending
   * work, anything else gets 401. Unchecked requests lose their Authorization.
   */
  private record FakeAuth() implements Authentication, dev.bollard.proxy.config.RouteFeature {
    @Override
    public Phase phase() {
      return Phase.GUARD;
    }

    @Override
    public String name() {
      return "fake-auth";
    }

    @Override
    public StepOutcome decide(StepRequest request) {
      String agent = String.valueOf(request.head().headers().get("User-Agent"));
      if (agent.startsWith("slow")) {
        return new StepOutcome.Pending<>(java.util.concurrent.CompletableFuture.completedFuture(
            agent), done -> StepOutcome.PASS);
      }
      return agent.equals("credentials") || agent.equals("unguarded")
          ? StepOutcome.PASS
          : (StepOutcome.Answer) keepAlive -> dev.bollard.proxy.http.PlainResponses.of(
              io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED, "no", keepAlive);
    }

    @Override
    public boolean authenticated(StepRequest request) {
      String agent = request.head().headers().get("User-Agent");
      return "credentials".equals(agent) || "slow".equals(agent);
    }

    @Override
    public void unchecked(StepRequest request, HttpRequest upstream) {
      upstream.headers().remove("Authorization");
    }
  }

  /** What a pending outcome settles to once its (completed) work is resumed. */
  private static int settled(StepOutcome outcome) {
    if (outcome instanceof StepOutcome.Pending<?> pending) {
      return settled(resume(pending));
    }
    if (outcome == StepOutcome.PASS) {
      return 200;
    }
    FullHttpResponse response = ((StepOutcome.Answer) outcome).response(true);
    try {
      return response.status().code();
    } finally {
      response.release();
    }
  }

  private static <T> StepOutcome resume(StepOutcome.Pending<T> pending) {
    return pending.resume().apply(pending.work().join());
  }

  /** What the route's whole chain answers (200 when every step passes). */
  private static int status(StepChain chain, String client, @Nullable String agent) {
    for (int i = 0; i < chain.size(); i++) {
      int status = status(chain.step(i), client, agent);
      if (status != 200) {
        return status;
      }
    }
    return 200;
  }

  @Test
  void satisfyAnyLetsTheAllowListOrTheAuthenticationDecide() {
    Backend app = Snapshots.backend("test/app:80", new dev.bollard.proxy.config.Endpoint("127.0.0.1", 9));
    List<dev.bollard.proxy.config.RouteFeature> features = List.of(new FakeAuth(),
        ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8"), ranges(ClientRanges.Kind.DENY, "10.6.6.6"));
    Route all = new Route(new PathMatch.Prefix("/all"), app, SOURCE).withFeatures(features);
    Route any = new Route(new PathMatch.Prefix("/any"), app, SOURCE).withFeatures(
        java.util.stream.Stream.concat(features.stream(), java.util.stream.Stream.of(Satisfy.ANY))
            .toList());
    Route anyWithoutAuth = new Route(new PathMatch.Prefix("/open"), app, SOURCE).withFeatures(
        List.of(Satisfy.ANY, ranges(ClientRanges.Kind.ALLOW, "10.0.0.0/8")));
    VirtualHost host = new VirtualHost("shop.test", List.of(all, any, anyWithoutAuth));
    RoutingSnapshot snapshot = Snapshots.of(host);

    StepChain allChain = StepChains.forRoute(all, host, snapshot);
    assertThat(status(allChain, "10.1.1.1", null)).isEqualTo(401);
    assertThat(status(allChain, "10.1.1.1", "credentials")).isEqualTo(200);
    assertThat(status(allChain, "192.0.2.1", "credentials")).isEqualTo(403);

    StepChain anyChain = StepChains.forRoute(any, host, snapshot);
    assertThat(anyChain.names()).doesNotContain("allowlist-source-range")
        .contains("fake-auth (satisfy any)", "denylist-source-range");
    assertThat(status(anyChain, "10.1.1.1", null)).isEqualTo(200);
    assertThat(status(anyChain, "192.0.2.1", null)).isEqualTo(401);
    assertThat(status(anyChain, "192.0.2.1", "credentials")).isEqualTo(200);
    assertThat(status(anyChain, "10.6.6.6", "credentials")).isEqualTo(403);
    // A guard that lets a request through unchecked does not lift the allow-list.
    assertThat(status(anyChain, "192.0.2.1", "unguarded")).isEqualTo(403);
    assertThat(status(anyChain, "10.1.1.1", "unguarded")).isEqualTo(200);
    // Pending checks settle the same way.
    RouteStep wrapped = step(anyChain, "fake-auth (satisfy any)");
    assertThat(settled(wrapped.decide(new Req("192.0.2.1", "slow")))).isEqualTo(200);
    assertThat(settled(wrapped.decide(new Req("192.0.2.1", "slow-unguarded")))).isEqualTo(403);
    // An allow-listed client's Authorization does not go upstream unchecked.
    Req allowListed = new Req("10.1.1.1", "unguarded");
    HttpRequest upstream = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    upstream.headers().set("Authorization", "Basic forged");
    wrapped.toUpstream(allowListed, upstream);
    assertThat(upstream.headers().contains("Authorization")).isFalse();
    Req checked = new Req("192.0.2.1", "credentials");
    HttpRequest kept = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    kept.headers().set("Authorization", "Basic good");
    wrapped.toUpstream(checked, kept);
    assertThat(kept.headers().contains("Authorization")).isTrue();

    // Nothing to combine: the allow-list keeps its 403.
    StepChain open = StepChains.forRoute(anyWithoutAuth, host, snapshot);
    assertThat(open.names()).contains("allowlist-source-range");
    assertThat(status(open, "192.0.2.1", null)).isEqualTo(403);
  }

  @Test
  void satisfyTakesAnyOrAllOnly() {
    assertThat(Satisfy.parse("any")).isEqualTo(Satisfy.ANY);
    assertThat(Satisfy.parse("all")).isEqualTo(Satisfy.ALL);
    assertThatThrownBy(() -> Satisfy.parse("ANY")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("any or all");
  }

  private static RouteStep step(StepChain chain, String name) {
    for (int i = 0; i < chain.size(); i++) {
      if (chain.step(i).name().equals(name)) {
        return chain.step(i);
      }
    }
    throw new AssertionError(name + " not in " + chain);
  }

  /** A request from {@code client} with an optional User-Agent. */
  private static final class Req extends TestStepRequest {
    private final InetAddress client;

    Req(String client, @Nullable String agent) {
      super("shop.test", new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
      try {
        this.client = InetAddress.getByName(client);
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
      if (agent != null) {
        head().headers().set("User-Agent", agent);
      }
    }

    @Override
    public InetAddress client() {
      return client;
    }
  }
}
