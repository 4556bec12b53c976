package dev.bollard.controller.compat;

import java.util.Set;

/**
 * Entries of the ingress-nginx table whose code lives on branches not merged yet (issue 15): the
 * table already says what Bollard does once they are in, and the honesty tests expect these to
 * fail until then. Whoever merges such a branch removes its keys here; a key listed here that
 * already passes fails the tests, so the list cannot go stale.
 */
public final class PendingMerge {

  private PendingMerge() {}

  private static final String P = IngressNginx.PREFIX;

  /** Full annotation keys and ConfigMap keys (they cannot collide: annotations have a slash). */
  public static final Set<String> PENDING_MERGE = Set.of();
}
