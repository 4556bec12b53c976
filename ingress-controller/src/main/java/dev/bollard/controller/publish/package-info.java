/**
 * Publishing: where a translation becomes the snapshot the proxy serves, and where everything a
 * rebuild causes hears about it.
 *
 * <p>{@link dev.bollard.controller.publish.RebuildScheduler} turns "something changed" signals from
 * any source into debounced rebuilds on one thread; {@link
 * dev.bollard.controller.publish.RebuildPipeline} runs one (read, translate, publish, and carry the
 * config history to the next); {@link dev.bollard.controller.publish.SnapshotPublisher} drops
 * snapshots that change nothing, numbers the rest, swaps them into {@link
 * dev.bollard.proxy.routing.CurrentRoutes}, then hands the {@link
 * dev.bollard.controller.publish.Publication} to its listeners (status page, metrics, config log
 * lines, certificates, the leader's API writers). No source-specific code lives here.
 */
@NullMarked
package dev.bollard.controller.publish;

import org.jspecify.annotations.NullMarked;
