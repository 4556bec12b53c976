package dev.bollard.proxy.step;

import io.netty.handler.codec.http.HttpRequest;

/**
 * A step that checks credentials ({@link BasicAuth}, {@link ExternalAuth}), as {@link SatisfyAny}
 * needs to see it: whether a request it passed was authenticated (or only not guarded by it), and
 * what to remove from a request let in without asking it.
 */
public interface Authentication extends RouteStep {

  /**
   * Whether this step let {@code request} in because its credentials were checked and accepted;
   * false when it did not run, or passed without a check (a host or path it does not guard).
   */
  boolean authenticated(StepRequest request);

  /**
   * Edits the upstream head of a request that went upstream without this step's check (an
   * allow-listed client under {@code satisfy any}): removes what only a check may let through,
   * such as the client's {@code Authorization}.
   */
  void unchecked(StepRequest request, HttpRequest upstream);
}
