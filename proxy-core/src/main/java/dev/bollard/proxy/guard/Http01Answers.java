package dev.bollard.proxy.guard;

import java.util.Optional;

/**
 * The seam where ACME HTTP-01 answers plug in: requests for {@code
 * /.well-known/acme-challenge/<token>} on any host are answered from here by the first step of
 * every route, before redirects and without credentials. Lookups run on an event loop and must not
 * block.
 */
@FunctionalInterface
public interface Http01Answers {

  /** No challenge is pending anywhere: every challenge request gets 404. */
  Http01Answers NONE = token -> Optional.empty();

  /** The key authorization for a token, answered as {@code text/plain}; empty for 404. */
  Optional<String> keyAuthorization(String token);
}
