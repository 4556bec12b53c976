package dev.bollard.proxy.admin;

import static java.util.Objects.requireNonNull;

/**
 * What {@code GET /readyz} answers: ready, or not and why, in a few words a person reading the
 * probe's output understands ({@code starting: no snapshot published yet}, {@code draining}).
 *
 * @param ready whether a load balancer may send traffic here
 * @param reason the body after {@code not ready: }; unused when ready
 */
public record Readiness(boolean ready, String reason) {

  /** Ready. */
  public static final Readiness READY = new Readiness(true, "ready");

  /** Not ready because nothing has been published yet. */
  public static final Readiness STARTING = notReady("no snapshot published yet");

  /** Not ready because the process is shutting down and finishing the requests in flight. */
  public static final Readiness DRAINING = notReady("draining (shutting down)");

  public Readiness {
    requireNonNull(reason, "reason");
  }

  /** Not ready, for {@code reason}. */
  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }

  /** The {@code /readyz} body. */
  String text() {
    return ready ? "ready" : "not ready: " + reason;
  }
}
