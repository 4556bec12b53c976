package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RoutingSnapshot;
import java.util.List;

/**
 * What one translation produced: the snapshot to publish and the problems met while building it.
 *
 * <p>Problems never stop a snapshot from being built: the parts they concern are left out.
 *
 * @param snapshot the translated snapshot, with version 0 (the publisher numbers it)
 * @param problems sorted by resource, then field
 */
public record TranslationResult(RoutingSnapshot snapshot, List<Problem> problems) {

  public TranslationResult {
    problems = List.copyOf(problems);
  }

  /** Whether anything was left out. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }
}
