package dev.bollard.proxy.step;

import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A client address rule (ingress-nginx's {@code allowlist-source-range}/{@code
 * whitelist-source-range}, {@code denylist-source-range}, {@code block-cidrs}): a request whose
 * real client address ({@link StepRequest#client()}: the PROXY protocol's or a trusted proxy's,
 * else the peer's) an allow-list does not contain, or a deny-list contains, gets 403. In {@link
 * Phase#ACCESS}, before the guard: a refused client never sees a 401 challenge.
 *
 * <p>An allow-list and a deny-list of one route are two steps; both answer 403, so their order does
 * not matter (nginx checks the deny rules first).
 *
 * @param kind whether the ranges are the only clients allowed or clients refused
 * @param ranges the ranges, compiled when the chain is (matching allocates nothing for IPv4)
 */
public record ClientRanges(Kind kind, CidrSet ranges) implements RouteStep, RouteFeature {

  /** What the ranges mean. */
  public enum Kind {
    /** Only clients in the ranges pass ({@code allowlist-source-range}). */
    ALLOW("allowlist-source-range"),
    /** Clients in the ranges get 403 ({@code denylist-source-range}). */
    DENY("denylist-source-range"),
    /** Clients in the ranges get 403 on every route and host ({@code block-cidrs}). */
    BLOCK("block-cidrs");

    private final String stepName;

    Kind(String stepName) {
      this.stepName = stepName;
    }
  }

  /** The answer to a refused client. */
  static final StepOutcome.Answer FORBIDDEN = keepAlive ->
      PlainResponses.of(HttpResponseStatus.FORBIDDEN, "client address not allowed", keepAlive);

  public ClientRanges {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ranges, "ranges");
    if (kind == Kind.ALLOW && ranges.isEmpty()) {
      throw new IllegalArgumentException(
          "an empty allow-list would refuse every client (expected: at least one range)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.ACCESS;
  }

  @Override
  public String name() {
    return kind.stepName;
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    boolean inside = ranges.contains(request.client());
    boolean refused = kind == Kind.ALLOW ? !inside : inside;
    return refused ? FORBIDDEN : StepOutcome.PASS;
  }
}
