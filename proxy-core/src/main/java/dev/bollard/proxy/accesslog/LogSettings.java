package dev.bollard.proxy.accesslog;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The access-log policy of the active configuration: what goes into a line and how.
 *
 * @param capture upstream response headers recorded in the line (global rules; routes add theirs)
 * @param query what is kept of query strings
 * @param textTemplate the text format's template ({@code log-format-upstream}), or {@code null} for
 *     {@link #DEFAULT_TEXT_TEMPLATE}; used only when the log is written as text
 * @param escapeJson whether text values are escaped JSON-style ({@code log-format-escape-json})
 *     rather than nginx-style ({@code \xHH})
 * @param skipUris request URIs (exact, with or without the query) that are not logged ({@code
 *     skip-access-log-urls})
 * @param maxValueLength longest value written for any one field; longer ones are cut and end in
 *     {@code ...}
 */
public record LogSettings(
    CaptureRules capture,
    QueryRedaction query,
    @Nullable String textTemplate,
    boolean escapeJson,
    List<String> skipUris,
    int maxValueLength) {

  /** ingress-nginx's default {@code log-format-upstream}. */
  public static final String DEFAULT_TEXT_TEMPLATE =
      "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\" $request_length $request_time"
          + " [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr"
          + " $upstream_response_length $upstream_response_time $upstream_status $req_id";

  /** Default longest field value. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 2048;

  /** Nothing captured, queries kept, the default template, nothing skipped. */
  public static final LogSettings DEFAULTS =
      new LogSettings(CaptureRules.NONE, QueryRedaction.NONE, null, false, List.of(),
          DEFAULT_MAX_VALUE_LENGTH);

  public LogSettings {
    skipUris = List.copyOf(skipUris);
    if (maxValueLength < 16) {
      throw new IllegalArgumentException("maxValueLength: " + maxValueLength + " (expected: >= 16)");
    }
    if (textTemplate != null) {
      TextLineFormat.compile(textTemplate);
    }
  }

  /** The template in use for text lines. */
  public String effectiveTemplate() {
    return textTemplate != null ? textTemplate : DEFAULT_TEXT_TEMPLATE;
  }

  /** These settings with other capture rules. */
  public LogSettings withCapture(CaptureRules rules) {
    return new LogSettings(rules, query, textTemplate, escapeJson, skipUris, maxValueLength);
  }

  /**
   * Checks a text template without building settings.
   *
   * @throws IllegalArgumentException naming the unknown variable
   */
  public static void checkTemplate(String template) {
    TextLineFormat.compile(template);
  }

  /** Header names a template logs through {@code $upstream_http_<name>} (lower case, dashes). */
  public static List<String> upstreamHeadersOf(String template) {
    return TextLineFormat.compile(template).upstreamHeaders();
  }
}
