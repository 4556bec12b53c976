package dev.bollard.controller.translate;

import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.proxy.config.RoutingSnapshot;
import java.util.List;

/**
 * Everything one translation answers: the snapshot to publish, the problems met building it, the
 * config verdict and the desired Ingress status. Logging, Events and status writes happen after
 * publication, from this value.
 *
 * <p>Problems never stop a snapshot from being built: the parts they concern are left out.
 *
 * @param snapshot the translated snapshot with the global settings in force, version 0 (the
 *     publisher numbers it)
 * @param problems the source's first, then the translation's sorted by resource, then field
 * @param config which config version is in force or refused, what to report, what to remember
 * @param status the Ingress status to write (on the leader)
 */
public record TranslationResult(
    RoutingSnapshot snapshot,
    List<Problem> problems,
    GlobalConfig.Verdict config,
    IngressStatusPlan status) {

  public TranslationResult {
    problems = List.copyOf(problems);
  }

  /** A result with no config read and no status to write (tests of the publisher). */
  public TranslationResult(RoutingSnapshot snapshot, List<Problem> problems) {
    this(snapshot, problems, GlobalConfig.Verdict.none(), IngressStatusPlan.NONE);
  }

  /** Whether anything was left out. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }
}
