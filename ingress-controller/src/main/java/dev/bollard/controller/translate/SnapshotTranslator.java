package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.RoutingSnapshot;
import java.util.List;

/** Placeholder: being written. Pure translation of resources to a routing snapshot. */
public final class SnapshotTranslator {
  private final IngressClassSelection classes;

  public SnapshotTranslator(IngressClassSelection classes) {
    this.classes = classes;
  }

  public TranslationResult translate(ResourceStore store) {
    return new TranslationResult(RoutingSnapshot.EMPTY, List.of());
  }
}
