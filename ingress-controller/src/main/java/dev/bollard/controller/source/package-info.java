/**
 * Standalone source: Kubernetes YAML read from a directory and watched for changes.
 *
 * <p>{@link dev.bollard.controller.source.ManifestDirectory} loads every {@code *.yaml} and {@code
 * *.yml} file with fabric8's own deserialisation and reports what does not parse as problems with a
 * file and position; {@link dev.bollard.controller.source.ManifestWatcher} turns file system events
 * into "something changed" signals. The Kubernetes informer source will live beside it. Sources
 * produce resources; they never build snapshots themselves.
 */
@NullMarked
package dev.bollard.controller.source;

import org.jspecify.annotations.NullMarked;
