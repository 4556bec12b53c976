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
 * @param auth sends external authentication requests and keeps their cached decisions
 */
public record StepServices(@Nullable RequestGuard guard, Http01Answers http01,
    int httpsRedirectPort, AuthService auth) {

  /** No guard, no challenges, redirects to 443, no external authentication (it fails: 500). */
  public static final StepServices NONE = new StepServices(null, Http01Answers.NONE, 443);

  /** Without an external authentication client ({@link AuthService#NONE}). */
  public StepServices(@Nullable RequestGuard guard, Http01Answers http01, int httpsRedirectPort) {
    this(guard, http01, httpsRedirectPort, AuthService.NONE);
  }

  public StepServices {
    java.util.Objects.requireNonNull(auth, "auth");
    if (httpsRedirectPort < 1 || httpsRedirectPort > 65535) {
      throw new IllegalArgumentException(
          "httpsRedirectPort: " + httpsRedirectPort + " (expected: 1-65535)");
    }
  }
}
