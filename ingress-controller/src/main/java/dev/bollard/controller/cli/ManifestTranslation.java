package dev.bollard.controller.cli;

import dev.bollard.controller.source.ManifestDirectory;
import dev.bollard.controller.source.Manifests;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.TranslationResult;
import java.util.ArrayList;
import java.util.List;

/** One pass of the standalone pipeline short of publishing: load, store, translate, merge. */
final class ManifestTranslation {

  private ManifestTranslation() {}

  /** What one pass produced; {@code result.problems()} has file problems first. */
  record Outcome(Manifests manifests, TranslationResult result) {}

  static Outcome run(ManifestDirectory directory, SnapshotTranslator translator) {
    Manifests manifests = directory.load();
    TranslationResult translated = translator.translate(ResourceStore.of(manifests.resources()));
    List<Problem> problems = new ArrayList<>(manifests.problems());
    problems.addAll(translated.problems());
    return new Outcome(manifests, new TranslationResult(translated.snapshot(), problems));
  }
}
