package dev.bollard.controller.publish;

import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.controller.translate.TranslationResult;
import dev.bollard.proxy.config.RoutingSnapshot;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One rebuild, the same for every source: read the source, translate (pure), publish. Whatever
 * else a rebuild causes (logs, Events, status, certificates, metrics) is a {@link
 * SnapshotPublisher.Listener} of the publisher.
 *
 * <p>Run only on the {@link RebuildScheduler}'s thread: it keeps the one piece of state that
 * carries across rebuilds, the config {@link GlobalConfig.History}, and hands it to the next
 * translation. A source that is not ready (caches not synced yet) reads empty and the rebuild does
 * nothing, so nothing is published before the first complete view of the world.
 *
 * <p>Before publishing, {@code readAgain} may ask for one more read of the source: a result can
 * want stored data the read did not carry yet (standalone, the certificates an earlier run ordered
 * for {@code tls-acme} Secrets that this result names first). That read is translated and
 * published instead, so those certificates are in the very first snapshot, not a second one.
 */
public final class RebuildPipeline implements Runnable {

  private final Supplier<Optional<SourceRead>> source;
  private final SnapshotTranslator translator;
  private final SnapshotPublisher publisher;
  private final Predicate<RoutingSnapshot> readAgain;
  private GlobalConfig.History history = GlobalConfig.History.EMPTY;

  /**
   * @param source the source's read; empty while it has no complete view
   * @param translator the pure translation
   * @param publisher where results go, and who hears about them
   */
  public RebuildPipeline(
      Supplier<Optional<SourceRead>> source,
      SnapshotTranslator translator,
      SnapshotPublisher publisher) {
    this(source, translator, publisher, snapshot -> false);
  }

  /**
   * @param source the source's read; empty while it has no complete view
   * @param translator the pure translation
   * @param publisher where results go, and who hears about them
   * @param readAgain asked with each translated snapshot before it is published: whether the
   *     source now has more to read for it (then it is read and translated once more)
   */
  public RebuildPipeline(
      Supplier<Optional<SourceRead>> source,
      SnapshotTranslator translator,
      SnapshotPublisher publisher,
      Predicate<RoutingSnapshot> readAgain) {
    this.source = source;
    this.translator = translator;
    this.publisher = publisher;
    this.readAgain = readAgain;
  }

  @Override
  public void run() {
    Optional<SourceRead> read = source.get();
    if (read.isEmpty()) {
      return;
    }
    TranslationResult result = translator.translate(read.get(), history);
    if (readAgain.test(result.snapshot())) {
      Optional<SourceRead> again = source.get();
      if (again.isPresent()) {
        read = again;
        result = translator.translate(again.get(), history);
      }
    }
    publisher.publish(read.get().store(), result);
    // Only once published: a result that failed to publish has reported nothing yet, so its
    // transitions must be reported again by the next rebuild.
    history = result.config().next();
  }
}
