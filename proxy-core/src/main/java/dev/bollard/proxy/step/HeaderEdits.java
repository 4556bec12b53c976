package dev.bollard.proxy.step;

import dev.bollard.proxy.headers.HeaderRules;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Header rules (set, add, clear) on the upstream request and the client response: the global
 * rules of the config in force followed by the route's own ({@code custom-headers} and Bollard's
 * annotations), concatenated once when the chain is compiled.
 */
public final class HeaderEdits implements RouteStep {

  private final HeaderRules rules;

  /** Applies {@code rules}; compile only non-empty ones. */
  public HeaderEdits(HeaderRules rules) {
    this.rules = rules;
  }

  @Override
  public Phase phase() {
    return Phase.HEADERS;
  }

  @Override
  public String name() {
    return "headers";
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    rules.applyToRequest(upstream.headers());
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    rules.applyToResponse(response.headers());
  }
}
