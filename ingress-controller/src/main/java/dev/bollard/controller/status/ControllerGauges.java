package dev.bollard.controller.status;

/**
 * The numbers a metrics registry reads as gauges; each call is cheap and thread-safe. The metrics
 * work binds these to Prometheus names; nothing here depends on a metrics library.
 */
public interface ControllerGauges {

  /** The version of the snapshot being served (0 before the first). */
  long snapshotVersion();

  /** The active config version number, or -1 when only defaults are served. */
  long activeConfigVersion();

  /** How many versions of the config family are refused now. */
  int refusedConfigVersions();

  /** How many rebuilds ran (each a full translation). */
  long rebuilds();

  /** Whether every watch on the API server is up (always true standalone). */
  boolean watchesHealthy();

  /** How many times a watch was seen down since the start. */
  long watchFailures();

  /** Whether this replica holds the leader Lease (always false standalone). */
  boolean leader();
}
