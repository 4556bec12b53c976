package dev.bollard.controller.settings;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Hsts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of the global config, in one table: the single place a key is defined, parsed,
 * defaulted and documented. A later feature adds its keys by adding entries here; the README's
 * table is {@link #markdownTable()} (a test keeps the two equal).
 */
public final class ConfigKeys {

  /** Keys in documentation order. */
  public static final List<ConfigKey> ALL =
      List.of(
          new ConfigKey(
              "proxy-body-size",
              "size",
              "1m",
              "Largest request body (nginx syntax: `512k`, `1m`, `1g`; `0` for unlimited);"
                  + " larger bodies get 413.",
              "now",
              (v, s) -> s.maxBodyBytes(ValueParsers.size(v))),
          new ConfigKey(
              "proxy-connect-timeout",
              "seconds",
              null,
              "Upstream TCP connect timeout, then the next endpoint, finally 502."
                  + " Absent: `--connect-timeout` (5s).",
              "now",
              (v, s) -> s.connectTimeout(ValueParsers.seconds(v))),
          new ConfigKey(
              "proxy-read-timeout",
              "seconds",
              null,
              "Longest upstream silence while a response is due, then 504."
                  + " Absent: `--upstream-read-timeout` (60s).",
              "now",
              (v, s) -> s.readTimeout(ValueParsers.seconds(v))),
          new ConfigKey(
              "proxy-send-timeout",
              "seconds",
              "60",
              "Longest stall writing a request body to an upstream.",
              "validated now, applied in a later version",
              (v, s) -> s.sendTimeout(ValueParsers.seconds(v))),
          new ConfigKey(
              "client-header-timeout",
              "seconds",
              null,
              "Time a client has to send a request head, then 408; for connections accepted"
                  + " after the change. Absent: `--client-header-timeout` (60s).",
              "now",
              (v, s) -> s.clientHeaderTimeout(ValueParsers.seconds(v))),
          new ConfigKey(
              "keep-alive",
              "seconds",
              null,
              "Idle client keep-alive connections are closed after this; for connections"
                  + " accepted after the change. Absent: `--keep-alive-timeout` (75s).",
              "now",
              (v, s) -> s.keepAliveTimeout(ValueParsers.seconds(v))),
          new ConfigKey(
              "use-proxy-protocol",
              "bool",
              "false",
              "Expect a PROXY protocol (v1/v2) header on every client connection.",
              "validated now, applied with issue 5 (client address)",
              (v, s) -> s.useProxyProtocol(ValueParsers.bool(v))),
          new ConfigKey(
              "proxy-real-ip-cidr",
              "CIDR list",
              "0.0.0.0/0",
              "Comma-separated proxies whose `X-Forwarded-For` or PROXY header is trusted.",
              "validated now, applied with issue 5 (client address)",
              (v, s) -> s.realIpCidrs(ValueParsers.cidrs(v))),
          new ConfigKey(
              "use-forwarded-headers",
              "bool",
              "false",
              "Honour `X-Forwarded-*` headers from trusted proxies.",
              "validated now, applied with issue 5 (client address)",
              (v, s) -> s.useForwardedHeaders(ValueParsers.bool(v))),
          new ConfigKey(
              "hsts",
              "bool",
              "true",
              "Send `Strict-Transport-Security` on TLS responses.",
              "validated now, applied with issue 7 (TLS)",
              (v, s) -> s.hsts(hsts(s).enabled(ValueParsers.bool(v)))),
          new ConfigKey(
              "hsts-max-age",
              "seconds",
              "31536000",
              "The HSTS `max-age`.",
              "validated now, applied with issue 7 (TLS)",
              (v, s) -> s.hsts(hsts(s).maxAge(ValueParsers.nonNegativeSeconds(v)))),
          new ConfigKey(
              "hsts-include-subdomains",
              "bool",
              "true",
              "Add `includeSubDomains` to the HSTS header.",
              "validated now, applied with issue 7 (TLS)",
              (v, s) -> s.hsts(hsts(s).includeSubdomains(ValueParsers.bool(v)))),
          new ConfigKey(
              "hsts-preload",
              "bool",
              "false",
              "Add `preload` to the HSTS header.",
              "validated now, applied with issue 7 (TLS)",
              (v, s) -> s.hsts(hsts(s).preload(ValueParsers.bool(v)))),
          new ConfigKey(
              "ssl-redirect",
              "bool",
              "true",
              "Redirect plain HTTP requests for hosts with TLS to HTTPS (308).",
              "validated now, applied with issue 7 (TLS)",
              (v, s) -> s.sslRedirect(ValueParsers.bool(v))));

  private static final Map<String, ConfigKey> BY_NAME;

  static {
    Map<String, ConfigKey> m = new LinkedHashMap<>();
    for (ConfigKey k : ALL) {
      if (m.put(k.name(), k) != null) {
        throw new IllegalStateException("duplicate config key " + k.name());
      }
    }
    BY_NAME = Map.copyOf(m);
  }

  private ConfigKeys() {}

  /** The key of that name. */
  public static Optional<ConfigKey> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The settings with every key absent: each key's default over {@link GlobalSettings#DEFAULTS}. */
  public static GlobalSettings defaults() {
    GlobalSettings.Builder b = GlobalSettings.builder();
    for (ConfigKey k : ALL) {
      if (k.defaultValue() != null) {
        k.setter().set(k.defaultValue(), b);
      }
    }
    return b.build();
  }

  /** The documentation table of every key, in Markdown, as the README shows it. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | value | default | meaning | applied |\n");
    sb.append("|---|---|---|---|---|\n");
    for (ConfigKey k : ALL) {
      sb.append("| `").append(k.name()).append("` | ").append(k.type()).append(" | ");
      sb.append(k.defaultValue() == null ? "the flag's" : "`" + k.defaultValue() + "`");
      sb.append(" | ").append(k.description()).append(" | ").append(k.applied()).append(" |\n");
    }
    return sb.toString();
  }

  // The builder holds one Hsts record; each hsts-* key replaces one of its parts.
  private static HstsParts hsts(GlobalSettings.Builder b) {
    return new HstsParts(b);
  }

  private record HstsParts(GlobalSettings.Builder b) {
    private Hsts current() {
      return b.hsts();
    }

    Hsts enabled(boolean v) {
      Hsts h = current();
      return new Hsts(v, h.maxAgeSeconds(), h.includeSubdomains(), h.preload());
    }

    Hsts maxAge(long v) {
      Hsts h = current();
      return new Hsts(h.enabled(), v, h.includeSubdomains(), h.preload());
    }

    Hsts includeSubdomains(boolean v) {
      Hsts h = current();
      return new Hsts(h.enabled(), h.maxAgeSeconds(), v, h.preload());
    }

    Hsts preload(boolean v) {
      Hsts h = current();
      return new Hsts(h.enabled(), h.maxAgeSeconds(), h.includeSubdomains(), v);
    }
  }
}
