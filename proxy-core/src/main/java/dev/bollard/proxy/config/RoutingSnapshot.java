package dev.bollard.proxy.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the proxy serves at one moment: the virtual hosts, the default backend and the global
 * settings.
 *
 * <p>A snapshot is an immutable value; a new one replaces the old one as a whole. {@code version}
 * is assigned by the publisher and is not part of what the snapshot <em>means</em>: use
 * {@link #sameContentAs} to compare meaning.
 *
 * @param version monotonically increasing number assigned on publication (0 before)
 * @param virtualHosts one entry per distinct host pattern, sorted by pattern
 * @param defaultBackend where requests that match no host and path go, or {@code null} for 404
 * @param settings the global settings (active config version) requests are served with
 * @param tls the hosts with TLS and their certificates ({@code spec.tls}), redirect annotations
 */
public record RoutingSnapshot(
    long version,
    List<VirtualHost> virtualHosts,
    @Nullable Backend defaultBackend,
    GlobalSettings settings,
    TlsSettings tls) {

  /** A snapshot that serves nothing: every request gets 404. */
  public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, List.of(), null);

  public RoutingSnapshot {
    if (version < 0) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
    }
    virtualHosts = List.copyOf(virtualHosts);
  }

  /** A snapshot with {@link GlobalSettings#DEFAULTS}. */
  public RoutingSnapshot(
      long version, List<VirtualHost> virtualHosts, @Nullable Backend defaultBackend) {
    this(version, virtualHosts, defaultBackend, GlobalSettings.DEFAULTS);
  }

  /** A snapshot without TLS. */
  public RoutingSnapshot(
      long version,
      List<VirtualHost> virtualHosts,
      @Nullable Backend defaultBackend,
      GlobalSettings settings) {
    this(version, virtualHosts, defaultBackend, settings, TlsSettings.NONE);
  }

  /** This snapshot with other TLS settings. */
  public RoutingSnapshot withTls(TlsSettings newTls) {
    return new RoutingSnapshot(version, virtualHosts, defaultBackend, settings, newTls);
  }

  /** This snapshot with another version number. */
  public RoutingSnapshot withVersion(long newVersion) {
    return new RoutingSnapshot(newVersion, virtualHosts, defaultBackend, settings, tls);
  }

  /** This snapshot with other global settings. */
  public RoutingSnapshot withSettings(GlobalSettings newSettings) {
    return new RoutingSnapshot(version, virtualHosts, defaultBackend, newSettings, tls);
  }

  /** Whether the two snapshots serve the same way, ignoring their version numbers. */
  public boolean sameContentAs(RoutingSnapshot other) {
    return virtualHosts.equals(other.virtualHosts)
        && Objects.equals(defaultBackend, other.defaultBackend)
        && settings.equals(other.settings)
        && tls.equals(other.tls);
  }
}
