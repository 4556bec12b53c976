package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.SettingValues;
import java.util.function.Supplier;

/**
 * The versioned-ConfigMap flags ({@link Catalog#CONFIG}, {@link Catalog#CONFIG_VERSION}); shared
 * by {@code run} and {@code check}.
 */
final class ConfigOptions {

  private final Supplier<SettingValues> flags;

  /** @param flags the parsed flags, read when asked */
  ConfigOptions(Supplier<SettingValues> flags) {
    this.flags = flags;
  }

  /** The family, a {@code --config} without namespace in {@code defaultNamespace}. */
  ConfigFamily family(String defaultNamespace) {
    // The setting's parser has checked the form already.
    return ConfigFamily.parse(flags.get().get(Catalog.CONFIG), defaultNamespace);
  }

  /** The pinned version, or -1 for the highest valid one. */
  long version() {
    return flags.get().get(Catalog.CONFIG_VERSION);
  }
}
