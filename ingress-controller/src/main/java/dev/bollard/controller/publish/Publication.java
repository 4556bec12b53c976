package dev.bollard.controller.publish;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.TranslationResult;

/**
 * What one rebuild published, as every {@link SnapshotPublisher.Listener} hears it.
 *
 * @param version the snapshot version served now (the new one, or the current one when the
 *     translation changed nothing)
 * @param changed whether this rebuild swapped in a new snapshot
 * @param store the resources the result was translated from
 * @param result the whole translation: snapshot, problems, config verdict, desired status
 */
public record Publication(
    long version, boolean changed, ResourceStore store, TranslationResult result) {}
