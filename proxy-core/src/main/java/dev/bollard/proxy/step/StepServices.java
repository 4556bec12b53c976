package dev.bollard.proxy.step;

import dev.bollard.proxy.guard.Http01Answers;
import dev.bollard.proxy.guard.RequestGuard;
import org.jspecify.annotations.Nullable;

/**
 * What steps use beyond the request and their own values: process-wide services of one proxy
 * server, the same for every snapshot.
 *
 * @param guard checks Basic credentials; {@code null} when the server has none (a guarded route
 *     then fails closed with 503)
 * @param http01 the pending ACME HTTP-01 answers
 * @param httpsRedirectPort the port clients reach HTTPS on, for redirect locations (443 is left
 *     out)
 */
public record StepServices(@Nullable RequestGuard guard, Http01Answers http01,
    int httpsRedirectPort) {

  /** No guard, no challenges, redirects to 443. */
  public static final StepServices NONE = new StepServices(null, Http01Answers.NONE, 443);

  public StepServices {
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new IllegalArgumentException(
          "httpsRedirectPort: " + httpsRedirectPort + " (expected: 1-65535)");
    }
  }
}
