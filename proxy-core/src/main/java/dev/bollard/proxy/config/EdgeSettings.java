package dev.bollard.proxy.config;

import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.headers.HeaderRules;

/**
 * What the edge adds around every request, from the active global config: the access-log policy,
 * global header rules, how the client address is read, and the request id.
 *
 * @param log the access-log policy (capture, query redaction, text template, skipped URIs)
 * @param headers global header rules (request and response)
 * @param enableRealIp whether a trusted proxy's forwarded-for header sets the client address even
 *     without {@code use-forwarded-headers} ({@code enable-real-ip})
 * @param forwardedForHeader the header carrying the client chain ({@code forwarded-for-header})
 * @param generateRequestId whether an {@code X-Request-Id} is made when none is kept ({@code
 *     generate-request-id})
 */
public record EdgeSettings(
    LogSettings log,
    HeaderRules headers,
    boolean enableRealIp,
    String forwardedForHeader,
    boolean generateRequestId) {

  /** Default log policy, no header rules, {@code X-Forwarded-For}, ids generated. */
  public static final EdgeSettings DEFAULTS =
      new EdgeSettings(LogSettings.DEFAULTS, HeaderRules.NONE, false, "X-Forwarded-For", true);

  public EdgeSettings {
    if (forwardedForHeader.isBlank()) {
      throw new IllegalArgumentException(
          "forwardedForHeader: \"\" (expected: a header name such as X-Forwarded-For)");
    }
  }
}
