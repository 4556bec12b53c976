package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.translate.IngressClassSelection;
import java.util.function.Supplier;

/**
 * Which Ingresses are ours ({@link Catalog#INGRESS_CLASS}, {@link Catalog#CONTROLLER_NAME},
 * {@link Catalog#WATCH_INGRESS_WITHOUT_CLASS}); shared by {@code run} and {@code check} so both see the
 * same set.
 */
final class ClassOptions {

  private final Supplier<SettingValues> flags;

  /** @param flags the parsed flags, read when asked */
  ClassOptions(Supplier<SettingValues> flags) {
    this.flags = flags;
  }

  IngressClassSelection toSelection() {
    SettingValues v = flags.get();
    return new IngressClassSelection(v.get(Catalog.INGRESS_CLASS),
        v.get(Catalog.CONTROLLER_NAME), v.get(Catalog.WATCH_INGRESS_WITHOUT_CLASS));
  }
}
