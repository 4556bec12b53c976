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
              "Accept a PROXY protocol (v1/v2) header from load balancers in"
                  + " `proxy-real-ip-cidr`; one from any other peer closes the connection, and a"
                  + " connection without one is served as the peer itself. For connections"
                  + " accepted after the change.",
              "now",
              (v, s) -> s.useProxyProtocol(ValueParsers.bool(v))),
          new ConfigKey(
              "proxy-real-ip-cidr",
              "CIDR list",
              "0.0.0.0/0",
              "Comma-separated proxies whose `X-Forwarded-For`, `X-Request-Id` or PROXY header"
                  + " is trusted.",
              "now",
              (v, s) -> s.realIpCidrs(ValueParsers.cidrs(v))),
          new ConfigKey(
              "use-forwarded-headers",
              "bool",
              "false",
              "Honour `X-Forwarded-*` headers from trusted proxies: the client address from"
                  + " the forwarded-for chain (right to left, skipping trusted proxies), and"
                  + " `-Proto`/`-Host`/`-Port` passed on as they came.",
              "now",
              (v, s) -> s.useForwardedHeaders(ValueParsers.bool(v))),
          new ConfigKey(
              "enable-real-ip",
              "bool",
              "false",
              "Take the client address from a trusted proxy's forwarded-for header even without"
                  + " `use-forwarded-headers`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.enableRealIp(s.edge(), ValueParsers.bool(v)))),
          new ConfigKey(
              "forwarded-for-header",
              "header name",
              "X-Forwarded-For",
              "The header carrying the client chain from trusted proxies.",
              "now",
              (v, s) -> s.edge(EdgeKeys.forwardedForHeader(s.edge(), v))),
          new ConfigKey(
              "generate-request-id",
              "bool",
              "true",
              "Make an `X-Request-Id` (32 hex digits) when none is kept; one is kept only from"
                  + " `proxy-real-ip-cidr`. Sent upstream, returned, logged.",
              "now",
              (v, s) -> s.edge(EdgeKeys.generateRequestId(s.edge(), ValueParsers.bool(v)))),
          new ConfigKey(
              "log-format-upstream",
              "template",
              null,
              "The text access-log template (`--access-log-format text`), nginx variables."
                  + " Absent: ingress-nginx's default. An unknown variable refuses the version.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.template(l, v)))),
          new ConfigKey(
              "log-format-escape-json",
              "bool",
              "false",
              "Escape text access-log values JSON-style instead of nginx's `\\xHH`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(),
                  l -> EdgeKeys.escapeJson(l, ValueParsers.bool(v))))),
          new ConfigKey(
              "skip-access-log-urls",
              "URI list",
              null,
              "Comma-separated request URIs (exact, with or without the query) not logged.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.skipUris(l, v)))),
          new ConfigKey(
              "bollard-log-capture-headers",
              "header list",
              null,
              "Comma-separated upstream response headers logged as fields: `X-User-Id` (field"
                  + " `x_user_id`) or `X-User-Id:user_id`. Removed from the client's response"
                  + " unless kept.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.captureHeaders(l, v)))),
          new ConfigKey(
              "bollard-log-capture-prefixes",
              "prefix list",
              null,
              "Comma-separated header-name prefixes captured the same way: `X-Log-` logs"
                  + " `X-Log-Account` as `account`; `X-Log-:app_` as `app_account`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.capturePrefixes(l, v)))),
          new ConfigKey(
              "bollard-log-keep-captured-headers",
              "bool",
              "false",
              "Leave captured headers in the client's response.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(),
                  l -> EdgeKeys.keepCaptured(l, ValueParsers.bool(v))))),
          new ConfigKey(
              "bollard-log-redact-query-params",
              "name list",
              null,
              "Comma-separated query parameters whose values are logged as `REDACTED`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.redact(l, v)))),
          new ConfigKey(
              "bollard-log-drop-query",
              "bool",
              "false",
              "Log no query strings at all.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(),
                  l -> EdgeKeys.dropQuery(l, ValueParsers.bool(v))))),
          new ConfigKey(
              "bollard-log-max-value-length",
              "number",
              "2048",
              "Longest value of one access-log field; longer ones are cut and end in `...`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.log(s.edge(), l -> EdgeKeys.maxValueLength(l, v)))),
          new ConfigKey(
              "bollard-request-headers",
              "rules",
              null,
              "Header rules for requests sent upstream, one per line: `set Name: value`,"
                  + " `add Name: value`, `clear Name`.",
              "now",
              (v, s) -> s.edge(EdgeKeys.requestRules(s.edge(), v))),
          new ConfigKey(
              "bollard-response-headers",
              "rules",
              null,
              "Header rules for responses sent to clients (also those Bollard makes), same"
                  + " syntax; an Ingress's rules run after these.",
              "now",
              (v, s) -> s.edge(EdgeKeys.responseRules(s.edge(), v))),
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
              (v, s) -> s.sslRedirect(ValueParsers.bool(v))),
          new ConfigKey(
              "bollard-auth-hosts",
              "host list",
              null,
              "Comma-separated hosts (`staging.example.com`, `*.preview.example.com`) guarded by"
                  + " Basic auth with `bollard-auth-secret`, whatever route serves them; an"
                  + " Ingress's own `auth-*` annotations win on its routes. Absent: none.",
              "now",
              (v, s) -> s.auth(AuthKeys.hosts(s.auth(), v))),
          new ConfigKey(
              "bollard-auth-secret",
              "namespace/name",
              null,
              "The Secret of the global guard, htpasswd text under key `auth`. Missing Secret or"
                  + " key: the guarded hosts answer 503.",
              "now",
              (v, s) -> s.auth(AuthKeys.secret(s.auth(), v))),
          new ConfigKey(
              "bollard-auth-realm",
              "text",
              "Authentication Required",
              "The realm of the global guard's `WWW-Authenticate` challenge.",
              "now",
              (v, s) -> s.auth(AuthKeys.realm(s.auth(), v))),
          new ConfigKey(
              "bollard-auth-exempt-paths",
              "path list",
              null,
              "Comma-separated paths every guard lets through without credentials (health"
                  + " checks); `/status/` exempts everything below. ACME challenges and"
                  + " `/robots.txt` never ask anyway. Absent: none.",
              "now",
              (v, s) -> s.auth(AuthKeys.exemptPaths(s.auth(), v))),
          new ConfigKey(
              "bollard-auth-forward-authorization",
              "bool",
              "false",
              "Send the `Authorization` header upstream after a successful Basic-auth check.",
              "now",
              (v, s) -> s.auth(AuthKeys.forward(s.auth(), ValueParsers.bool(v)))));

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
      // No default: unset (the description says what "absent" means, e.g. a flag's value).
      sb.append(k.defaultValue() == null ? "unset" : "`" + k.defaultValue() + "`");
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
