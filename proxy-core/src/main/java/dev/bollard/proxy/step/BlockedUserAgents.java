package dev.bollard.proxy.step;

import dev.bollard.proxy.config.UserAgentRules;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * ingress-nginx's {@code block-user-agents}: a request whose {@code User-Agent} the rules block gets
 * 403, on every route and host. In {@link Phase#ACCESS}, before the guard.
 *
 * @param rules the blocked agents, compiled once
 */
public record BlockedUserAgents(UserAgentRules rules) implements RouteStep {

  private static final StepOutcome.Answer FORBIDDEN = keepAlive ->
      PlainResponses.of(HttpResponseStatus.FORBIDDEN, "user agent not allowed", keepAlive);

  public BlockedUserAgents {
    Objects.requireNonNull(rules, "rules");
  }

  @Override
  public Phase phase() {
    return Phase.ACCESS;
  }

  @Override
  public String name() {
    return "block-user-agents";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    String agent = request.head().headers().get(HttpHeaderNames.USER_AGENT);
    return rules.blocks(agent) ? FORBIDDEN : StepOutcome.PASS;
  }
}
