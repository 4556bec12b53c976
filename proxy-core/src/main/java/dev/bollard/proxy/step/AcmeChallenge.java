package dev.bollard.proxy.step;

import dev.bollard.proxy.http.PlainResponses;
import dev.bollard.proxy.config.AuthSettings;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Answers ACME HTTP-01 validation ({@code GET /.well-known/acme-challenge/<token>}) for every host,
 * before redirects and guards: the CA must reach the token even for a host that has no route yet,
 * redirects everything to HTTPS or is guarded. An unknown token is 404. The one place HTTP-01
 * answers come from; the path is compared in the form routing matched, so {@code
 * /.well-known/acme-challenge/../app} is {@code /app} and is routed (and guarded) as such.
 *
 * <p>On plain HTTP always (HTTP-01 validation is plain HTTP). Over HTTPS only for a guarded
 * request, which the guard would otherwise refuse: an open host's own {@code /.well-known/...}
 * pages over HTTPS are its app's business and go upstream.
 */
public final class AcmeChallenge implements RouteStep {

  /** For chains without a guard: plain HTTP only. */
  public static final AcmeChallenge PLAIN_HTTP = new AcmeChallenge(true, null);

  /** For chains with a guard of their own: plain HTTP and HTTPS. */
  public static final AcmeChallenge EVERY_LISTENER = new AcmeChallenge(false, null);

  static final String PREFIX = "/.well-known/acme-challenge/";

  private final boolean plainOnly;
  /** When the guard decides by host: over HTTPS, answer only for the hosts it guards. */
  private final @Nullable AuthSettings guardedHosts;

  private AcmeChallenge(boolean plainOnly, @Nullable AuthSettings guardedHosts) {
    this.plainOnly = plainOnly;
    this.guardedHosts = guardedHosts;
  }

  /**
   * For chains whose guard decides by the request's host: plain HTTP, and HTTPS for the hosts
   * {@code global} guards.
   */
  public static AcmeChallenge whereGuarded(AuthSettings global) {
    return new AcmeChallenge(true, global);
  }

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
    if (!path.startsWith(PREFIX) || request.secure() && !answersOverTls(request.host())) {
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

  private boolean answersOverTls(String host) {
    AuthSettings byHost = guardedHosts;
    if (byHost != null) {
      return byHost.policyFor(host) != null;
    }
    return !plainOnly;
  }
}
