/**
 * Sources, the first hop of the control plane: where the resources come from.
 *
 * <p>{@link dev.bollard.controller.source.Source} is all the runtime knows of one: a read of the
 * resources, a change signal, its health, and its leader-only side ({@link
 * dev.bollard.controller.source.Leadership}) or none. {@link
 * dev.bollard.controller.source.DirectorySource} serves a directory of Kubernetes YAML ({@link
 * dev.bollard.controller.source.ManifestDirectory} loads it with fabric8's own deserialisation and
 * reports what does not parse as problems with a file and position; {@link
 * dev.bollard.controller.source.ManifestWatcher} turns file system events into "something changed"
 * signals); the cluster lives in {@code source.cluster}. Sources produce resources; they never
 * build snapshots themselves.
 */
@NullMarked
package dev.bollard.controller.source;

import org.jspecify.annotations.NullMarked;
