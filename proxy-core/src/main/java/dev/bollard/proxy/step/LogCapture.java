package dev.bollard.proxy.step;

import dev.bollard.proxy.accesslog.CaptureRules;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Copies upstream response headers into the access-log facts and removes them from the response
 * (unless kept): the global capture rules followed by the route's own. Only heads the upstream
 * sent ({@link #fromUpstream}), before any other response edit; a response the proxy makes itself
 * ({@code Location} of a redirect, {@code WWW-Authenticate} of a 401) is never captured or
 * stripped.
 */
public final class LogCapture implements RouteStep {

  private final CaptureRules rules;
  private final int maxValueLength;

  /**
   * @param rules what to capture; compile only non-empty ones
   * @param maxValueLength longest value kept, from the log settings
   */
  public LogCapture(CaptureRules rules, int maxValueLength) {
    this.rules = rules;
    this.maxValueLength = maxValueLength;
  }

  @Override
  public Phase phase() {
    return Phase.CAPTURE;
  }

  @Override
  public String name() {
    return "log-capture";
  }

  @Override
  public void fromUpstream(StepRequest request, HttpResponse response) {
    rules.capture(response.headers(), request.facts(), maxValueLength);
  }
}
