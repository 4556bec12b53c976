package dev.bollard.proxy.step;

import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;

/**
 * Answers ACME HTTP-01 validation ({@code GET /.well-known/acme-challenge/<token>}) for every host
 * and route, before redirects and guards: the CA must reach the token even for a host that has no
 * route yet, redirects everything to HTTPS or is guarded. An unknown token is 404. The one place
 * HTTP-01 answers come from; the path is compared in the form routing matched, so {@code
 * /.well-known/acme-challenge/../app} is {@code /app} and is routed (and guarded) as such.
 */
public final class AcmeChallenge implements RouteStep {

  /** The one instance: the answers themselves come from {@link StepServices#http01()}. */
  public static final AcmeChallenge INSTANCE = new AcmeChallenge();

  static final String PREFIX = "/.well-known/acme-challenge/";

  private AcmeChallenge() {}

  @Override
  public Phase phase() {
    return Phase.CHALLENGE;
  }

  @Override
  public String name() {
    return "acme-challenge";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    String path = request.path();
    if (!path.startsWith(PREFIX)) {
      return StepOutcome.PASS;
    }
    String token = path.substring(PREFIX.length());
    // Tokens are base64url; anything else (a slash, dots) cannot be one of ours.
    Optional<String> keyAuthorization = token.isEmpty() || !token.matches("[A-Za-z0-9_-]+")
        ? Optional.empty()
        : request.services().http01().keyAuthorization(token);
    if (keyAuthorization.isPresent()) {
      String value = keyAuthorization.get();
      return (StepOutcome.Answer) keep -> PlainResponses.text(HttpResponseStatus.OK, value, keep);
    }
    return (StepOutcome.Answer) keep -> PlainResponses.text(HttpResponseStatus.NOT_FOUND,
        "404 Not Found: no pending ACME challenge for this token\n", keep);
  }
}
