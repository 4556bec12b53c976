package dev.bollard.controller.status;

import dev.bollard.controller.settings.ConfigState;
import dev.bollard.controller.settings.ConfigValidation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
  private volatile Supplier<List<CertificateView>> certificates = List::of;
  private final Clock clock;

  /** @param mode {@code standalone} or {@code kubernetes}, shown on the status page */
  public ControllerStatus(String mode) {
    this(mode, Clock.systemUTC());
  }

  /** @param clock what the certificates' days left count from */
  public ControllerStatus(String mode, Clock clock) {
    this.mode = mode;
    this.clock = clock;
  }

  /** Where the status page reads the certificates from (asked per request). */
  public void certificates(Supplier<List<CertificateView>> source) {
    certificates = java.util.Objects.requireNonNull(source, "source");
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
    Map<String, Object> cfg = configDocument();
    if (cfg != null) {
      doc.put("config", cfg);
    }
    doc.put("certificates", certificates());
    return JSON.writeValueAsString(doc);
  }

  /**
   * The config state as {@code /status} shows it (and the status page): family, pinned and active
   * version, the note, every refused version with its errors; {@code null} before the first
   * rebuild.
   */
  public @Nullable Map<String, Object> configDocument() {
    ConfigState c = config;
    if (c == null) {
      return null;
    }
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
    return cfg;
  }

  /**
   * The certificates as {@code /status} shows them (and the status page, which adds its warnings):
   * one map per certificate, dates as ISO-8601 text, never key material.
   */
  public List<Map<String, Object>> certificates() {
    Instant now = clock.instant();
    List<Map<String, Object>> out = new ArrayList<>();
    for (CertificateView c : certificates.get()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("hosts", c.hosts());
      m.put("source", c.source());
      m.put("storedIn", c.storedIn());
      m.put("serving", c.serving());
      m.put("issuer", c.issuer());
      m.put("notAfter", text(c.notAfter()));
      m.put("daysLeft",
          c.notAfter() == null ? null : Duration.between(now, c.notAfter()).toDays());
      m.put("lastOrder", text(c.lastOrder()));
      m.put("nextAttempt", text(c.nextAttempt()));
      m.put("failures", c.failures());
      m.put("lastError", c.lastError());
      out.add(m);
    }
    return out;
  }

  private static @Nullable String text(@Nullable Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
