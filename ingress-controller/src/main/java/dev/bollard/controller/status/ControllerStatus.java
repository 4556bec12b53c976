package dev.bollard.controller.status;

import dev.bollard.controller.settings.ConfigState;
import dev.bollard.controller.settings.ConfigValidation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * The controller's reportable state, written by the rebuild thread and the watch monitor, read by
 * the admin listener ({@link #toJson()}) and metrics ({@link ControllerGauges}).
 */
public final class ControllerStatus implements ControllerGauges {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String mode;
  private volatile long snapshotVersion;
  private volatile @Nullable ConfigState config;
  private final AtomicLong rebuilds = new AtomicLong();
  private volatile boolean watchesHealthy = true;
  private final AtomicLong watchFailures = new AtomicLong();
  private volatile boolean leader;

  /** @param mode {@code standalone} or {@code kubernetes}, shown on the status page */
  public ControllerStatus(String mode) {
    this.mode = mode;
  }

  /** A rebuild ran and the given snapshot version is served. */
  public void rebuilt(long servedVersion, ConfigState configState) {
    rebuilds.incrementAndGet();
    snapshotVersion = servedVersion;
    config = configState;
  }

  /** Watch health changed; a change to unhealthy counts as a failure. */
  public void watches(boolean healthy) {
    if (!healthy && watchesHealthy) {
      watchFailures.incrementAndGet();
    }
    watchesHealthy = healthy;
  }

  /** Leadership changed. */
  public void leader(boolean isLeader) {
    leader = isLeader;
  }

  /** {@code standalone} or {@code kubernetes}. */
  public String mode() {
    return mode;
  }

  /** The config state last resolved, if any. */
  public @Nullable ConfigState config() {
    return config;
  }

  @Override
  public long snapshotVersion() {
    return snapshotVersion;
  }

  @Override
  public long activeConfigVersion() {
    ConfigState c = config;
    return c == null ? -1 : c.activeVersion();
  }

  @Override
  public int refusedConfigVersions() {
    ConfigState c = config;
    return c == null ? 0 : c.refused().size();
  }

  @Override
  public long rebuilds() {
    return rebuilds.get();
  }

  @Override
  public boolean watchesHealthy() {
    return watchesHealthy;
  }

  @Override
  public long watchFailures() {
    return watchFailures.get();
  }

  @Override
  public boolean leader() {
    return leader;
  }

  /** The {@code /status} document. */
  public String toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("mode", mode);
    doc.put("snapshotVersion", snapshotVersion);
    doc.put("rebuilds", rebuilds.get());
    doc.put("watchesHealthy", watchesHealthy);
    doc.put("watchFailures", watchFailures.get());
    doc.put("leader", leader);
    ConfigState c = config;
    if (c != null) {
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("family", c.family().toString());
      cfg.put("pinnedVersion", c.pinned() < 0 ? null : c.pinned());
      cfg.put("activeVersion", c.active() == null ? null : c.active().version());
      cfg.put("activeConfigMap",
          c.active() == null ? null : c.active().namespace() + "/" + c.active().configMap());
      cfg.put("note", c.note());
      List<Map<String, Object>> refused = new ArrayList<>();
      for (ConfigValidation v : c.refused()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("configMap", v.version().namespace() + "/" + v.version().configMap());
        r.put("version", v.version().version() < 0 ? null : v.version().version());
        r.put("errors", v.errors());
        refused.add(r);
      }
      cfg.put("refused", refused);
      doc.put("config", cfg);
    }
    return JSON.writeValueAsString(doc);
  }
}
