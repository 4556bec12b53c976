package dev.bollard.controller.publish;

import dev.bollard.controller.settings.ConfigState;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.AuthPolicies;
import dev.bollard.controller.translate.Problem;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.TranslationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One rebuild, the same for every source: read the source's store, translate it, resolve the
 * global config, publish, then tell the listener (status writing, Events).
 *
 * <p>Run only on the {@link RebuildScheduler}'s thread. A source that is not ready (caches not
 * synced yet) returns empty and the rebuild does nothing, so nothing is published before the
 * first complete view of the world.
 */
public final class RebuildPipeline implements Runnable {

  /**
   * What a source offers one rebuild.
   *
   * @param store the resources
   * @param problems problems the source met reading them (files that do not parse)
   */
  public record Input(ResourceStore store, List<Problem> problems) {
    public Input {
      problems = List.copyOf(problems);
    }
  }

  /** Hears about each rebuild, on the rebuild thread, after publication. */
  public interface Listener {
    /** Called after every rebuild that ran. */
    void rebuilt(ResourceStore store, TranslationResult result, ConfigState config);
  }

  private final Supplier<Optional<Input>> source;
  private final SnapshotTranslator translator;
  private final GlobalConfig config;
  private final SnapshotPublisher publisher;
  private final ControllerStatus status;
  private final Listener listener;

  public RebuildPipeline(
      Supplier<Optional<Input>> source,
      SnapshotTranslator translator,
      GlobalConfig config,
      SnapshotPublisher publisher,
      ControllerStatus status,
      Listener listener) {
    this.source = source;
    this.translator = translator;
    this.config = config;
    this.publisher = publisher;
    this.status = status;
    this.listener = listener;
  }

  @Override
  public void run() {
    Optional<Input> input = source.get();
    if (input.isEmpty()) {
      return;
    }
    ResourceStore store = input.get().store();
    Built built = build(input.get(), translator, config);
    long version = publisher.publish(built.result());
    status.rebuilt(version, built.config());
    listener.rebuilt(store, built.result(), built.config());
  }

  /**
   * What one rebuild would publish: translation, the global config, and the global settings that
   * refer to resources (the global guard's Secret). Pure; {@code bollard check} uses it too, so it
   * reports exactly what {@code run} would.
   *
   * @param result the snapshot to publish and every problem (the source's first)
   * @param config the global config chosen, with its refusals
   */
  public record Built(TranslationResult result, ConfigState config) {}

  /** Builds what one rebuild of {@code input} would publish; see {@link Built}. */
  public static Built build(Input input, SnapshotTranslator translator, GlobalConfig config) {
    ResourceStore store = input.store();
    TranslationResult translated = translator.translate(store);
    ConfigState configState = config.resolve(store);
    List<Problem> problems = new ArrayList<>(input.problems());
    problems.addAll(translated.problems());
    TranslationResult result = new TranslationResult(translated.snapshot().withSettings(
        AuthPolicies.resolveGlobal(configState.settings(), store, problems)), problems);
    return new Built(result, configState);
  }
}
