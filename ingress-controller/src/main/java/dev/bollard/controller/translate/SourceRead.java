package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import java.util.List;

/**
 * What a source read for one rebuild: the input of translation.
 *
 * @param store the resources
 * @param problems problems the source met reading them (files that do not parse), listed before
 *     the translation's own
 */
public record SourceRead(ResourceStore store, List<Problem> problems) {

  public SourceRead {
    problems = List.copyOf(problems);
  }

  /** A read without problems. */
  public static SourceRead of(ResourceStore store) {
    return new SourceRead(store, List.of());
  }
}
