package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * ingress-nginx's {@code from-to-www-redirect}: every request for the other name ({@code
 * www.example.com} of an Ingress for {@code example.com}, or the reverse) is answered {@code 308}
 * to {@code target} on the same scheme and port, with the request's path and query as sent.
 *
 * @param target the host redirected to (a host name the translator checked)
 */
public record WwwRedirect(String target) implements RouteStep, RouteFeature {

  public WwwRedirect {
    Objects.requireNonNull(target, "target");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("target: \"\" (expected: a host name)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.REDIRECT;
  }

  @Override
  public String name() {
    return "from-to-www-redirect";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    String location = RedirectAnswer.scheme(request) + "://" + target
        + RedirectAnswer.portOf(request.authority()) + request.originUri();
    return RedirectAnswer.to(HttpResponseStatus.PERMANENT_REDIRECT, location);
  }
}
