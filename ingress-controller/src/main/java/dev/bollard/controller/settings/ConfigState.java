package dev.bollard.controller.settings;

import dev.bollard.proxy.config.GlobalSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the global config is now: the version in force and the versions refused.
 *
 * @param family the config family followed
 * @param pinned the pinned version number, or -1 for "the highest valid one"
 * @param active the version whose settings are served, or {@code null} when only defaults are
 * @param settings the settings served
 * @param refused every version that fails validation now, with its errors, highest first
 * @param note why the active version is what it is when that is not obvious (pinned version
 *     missing, every version refused and the last good one kept), else empty
 */
public record ConfigState(
    ConfigFamily family,
    long pinned,
    @Nullable ConfigVersion active,
    GlobalSettings settings,
    List<ConfigValidation> refused,
    String note) {

  public ConfigState {
    refused = List.copyOf(refused);
  }

  /** The active version number, or -1 when only defaults are served (for a gauge). */
  public long activeVersion() {
    return active == null ? -1 : active.version();
  }
}
