package dev.bollard.proxy.step;

/**
 * Where a step sits in a route's chain; a chain runs its steps in this order (and their response
 * edits in the reverse order). Steps of the same phase keep the order they were given in.
 */
public enum Phase {
  /** ACME HTTP-01 answers: before anything that could refuse or redirect the CA. */
  CHALLENGE,
  /**
   * The host's client certificate over HTTPS ({@link ClientCertificate#overTls()}): nginx refuses
   * a missing or bad one when it reads the request head, before any of its phases.
   */
  HANDSHAKE,
  /**
   * {@code block-user-agents} and {@code block-referers}, then the host's {@code server-snippet}
   * program, then {@code app-root}: nginx's server rewrite
   * phase, where ingress-nginx writes them (the snippet, then app-root's {@code if ($uri = /)}),
   * runs before the location's rewrite phase (CORS preflight, {@code permanent-redirect}, a
   * configuration snippet's {@code return}, the HTTPS redirect).
   */
  HOST_REDIRECT,
  /** Redirects that need no credentials (HTTP to HTTPS, permanent and temporal redirects). */
  REDIRECT,
  /** Client certificates of the host ({@code auth-tls-*}), then client address rules (allow and deny lists). */
  ACCESS,
  /**
   * Rate and connection limits: before authentication, as nginx's {@code limit_req} and {@code
   * limit_conn} (preaccess phase) run before {@code auth_basic} and {@code auth_request} (access
   * phase), so a flood is refused without asking the auth service; after the address rules, which
   * ingress-nginx writes as a {@code return 403} of the rewrite phase.
   */
  LIMIT,
  /** Authentication (Basic auth, external auth). */
  GUARD,
  /** Changes to the request target and the headers that describe it (rewrites, prefixes). */
  REWRITE,
  /** Header rules (set, add, clear) on the request and the response. */
  HEADERS,
  /** Upstream response headers captured into the access log (and stripped). */
  CAPTURE,
  /**
   * The choice of backend and endpoint (canary, then sticky sessions): last, so that a request
   * another step answers or refuses draws no weight.
   */
  BACKEND
}
