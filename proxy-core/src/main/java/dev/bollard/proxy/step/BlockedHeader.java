package dev.bollard.proxy.step;

import dev.bollard.proxy.config.MapPatterns;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.util.Objects;

/**
 * ingress-nginx's {@code block-user-agents} and {@code block-referers}: a request whose {@code
 * User-Agent} (or {@code Referer}) the patterns match gets 403, on every route and host. First of
 * {@link Phase#HOST_REDIRECT}, as ingress-nginx's {@code if ($block_ua) { return 403; }} opens
 * each server block: before any redirect, preflight answer or guard.
 *
 * @param kind which header, and the step's name
 * @param patterns the blocked values, compiled once
 */
public record BlockedHeader(Kind kind, MapPatterns patterns) implements RouteStep {

  /** The header a block list is about. */
  public enum Kind {
    /** {@code block-user-agents}. */
    USER_AGENT("block-user-agents", HttpHeaderNames.USER_AGENT, "user agent not allowed"),
    /** {@code block-referers}. */
    REFERER("block-referers", HttpHeaderNames.REFERER, "referer not allowed");

    private final String stepName;
    private final AsciiString header;
    private final StepOutcome.Answer forbidden;

    Kind(String stepName, AsciiString header, String reason) {
      this.stepName = stepName;
      this.header = header;
      this.forbidden = keepAlive ->
          PlainResponses.of(HttpResponseStatus.FORBIDDEN, reason, keepAlive);
    }
  }

  public BlockedHeader {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(patterns, "patterns");
  }

  @Override
  public Phase phase() {
    return Phase.HOST_REDIRECT;
  }

  @Override
  public String name() {
    return kind.stepName;
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    return patterns.matches(request.head().headers().get(kind.header))
        ? kind.forbidden : StepOutcome.PASS;
  }
}
