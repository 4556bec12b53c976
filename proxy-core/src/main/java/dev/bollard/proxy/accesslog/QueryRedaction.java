package dev.bollard.proxy.accesslog;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the access log keeps of a query string: all of it, none of it, or all of it with the values
 * of named parameters replaced by {@value #MASK}.
 *
 * @param dropQuery whether the query string is left out entirely
 * @param redactedParams parameter names (case-insensitive, as decoded) whose values are masked
 */
public record QueryRedaction(boolean dropQuery, Set<String> redactedParams) {

  /** The replacement of a redacted value. */
  public static final String MASK = "REDACTED";

  /** Keeps query strings as they are. */
  public static final QueryRedaction NONE = new QueryRedaction(false, Set.of());

  public QueryRedaction {
    redactedParams =
        redactedParams.stream()
            .map(p -> p.trim().toLowerCase(Locale.ROOT))
            .filter(p -> !p.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  /** Redacts the named parameters. */
  public static QueryRedaction redact(List<String> params) {
    return new QueryRedaction(false, Set.copyOf(params));
  }

  /** The query (without {@code ?}) as it should be logged; empty when dropped. */
  public String apply(String query) {
    if (dropQuery || query.isEmpty()) {
      return "";
    }
    if (redactedParams.isEmpty()) {
      return query;
    }
    StringBuilder out = new StringBuilder(query.length());
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      String pair = query.substring(start, end);
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (out.length() > 0 || start > 0) {
        out.append('&');
      }
      if (eq >= 0 && redactedParams.contains(decode(name).toLowerCase(Locale.ROOT))) {
        out.append(name).append('=').append(MASK);
      } else {
        out.append(pair);
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return out.toString();
  }

  private static String decode(String name) {
    if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
      return name;
    }
    try {
      return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape: compare the raw name, which cannot match a configured one anyway.
      return name;
    }
  }
}
