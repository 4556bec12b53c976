/**
 * What the controller reports about itself: the snapshot and config versions in force, refused
 * config versions, watch health, leadership and the certificates served or ordered, for the admin
 * {@code /status} page, readiness and
 * (through {@link dev.bollard.controller.status.ControllerGauges}) the metrics that come later.
 */
@NullMarked
package dev.bollard.controller.status;

import org.jspecify.annotations.NullMarked;
