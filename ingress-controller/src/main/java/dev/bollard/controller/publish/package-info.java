/**
 * Publishing: the last step of the control plane, where a translated snapshot becomes the one the
 * proxy serves.
 *
 * <p>{@link dev.bollard.controller.publish.RebuildScheduler} turns "something changed" signals from
 * any source into debounced rebuilds on one thread; {@link
 * dev.bollard.controller.publish.SnapshotPublisher} drops snapshots that change nothing, numbers the
 * rest and swaps them into {@link dev.bollard.proxy.routing.CurrentRoutes}. No source-specific code
 * lives here.
 */
@NullMarked
package dev.bollard.controller.publish;

import org.jspecify.annotations.NullMarked;
