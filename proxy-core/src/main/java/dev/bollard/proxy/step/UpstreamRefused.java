package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A route whose upstream settings could not be honoured safely (ingress-nginx's "location denied",
 * for instance a {@code proxy-ssl-secret} that does not exist, or a client address annotation that
 * does not parse, which left out would open the route): every request is answered {@code
 * 503} instead of being sent upstream with less protection than asked for. The translator reports
 * the cause as a problem; the answer names it briefly.
 *
 * @param reason what is wrong, for the response body (no secrets in it)
 */
public record UpstreamRefused(String reason) implements RouteStep, RouteFeature {

  public UpstreamRefused {
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public Phase phase() {
    return Phase.ACCESS;
  }

  @Override
  public String name() {
    return "upstream-refused";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    return (StepOutcome.Answer) keepAlive ->
        PlainResponses.of(HttpResponseStatus.SERVICE_UNAVAILABLE, reason, keepAlive);
  }
}
