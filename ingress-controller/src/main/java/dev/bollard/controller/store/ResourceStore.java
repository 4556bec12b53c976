package dev.bollard.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.List;

/** Placeholder: being written. A read-only view of the Kubernetes resources translation needs. */
public final class ResourceStore {
  private final List<HasMetadata> all;

  private ResourceStore(List<HasMetadata> all) {
    this.all = all;
  }

  /** A store holding these resources (any kinds; unknown kinds are ignored). */
  public static ResourceStore of(Collection<? extends HasMetadata> resources) {
    return new ResourceStore(List.copyOf(resources));
  }
}
