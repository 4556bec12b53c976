package dev.bollard.proxy.accesslog;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which upstream response headers go into the access-log line, under which field names, and
 * whether the client still gets them.
 *
 * <p>An exact rule names one header ({@code X-User-Id}, field {@code x_user_id} unless given as
 * {@code X-User-Id:user}); a prefix rule takes every header starting with it ({@code X-Log-},
 * field = the rest of the name, so {@code X-Log-Account} becomes {@code account}; {@code
 * X-Log-:app_} gives {@code app_account}). Field names are lower case, {@code -} becomes {@code
 * _}. Captured headers are removed from the client's response unless {@code keep} is set.
 *
 * @param exact exact header rules
 * @param prefixes prefix rules
 * @param keep whether captured headers stay in the client's response
 */
public record CaptureRules(List<Rule> exact, List<Rule> prefixes, boolean keep) {

  /** Captures nothing. */
  public static final CaptureRules NONE = new CaptureRules(List.of(), List.of(), false);

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern FIELD = Pattern.compile("[a-z0-9_]*");

  /**
   * One rule.
   *
   * @param header the header name or prefix, lower case
   * @param field the field name, or for a prefix rule the field-name prefix (may be empty)
   * @param strip whether a captured header leaves the client response (unless {@code keep})
   */
  public record Rule(String header, String field, boolean strip) {}

  public CaptureRules {
    exact = List.copyOf(exact);
    prefixes = List.copyOf(prefixes);
  }

  /**
   * Parses configuration values.
   *
   * @param headers exact header names, each optionally {@code Name:field}
   * @param prefixes header-name prefixes, each optionally {@code Prefix:fieldprefix}
   * @param keep whether captured headers stay in the client's response
   * @throws IllegalArgumentException naming the entry that is not a header name or field name
   */
  public static CaptureRules parse(List<String> headers, List<String> prefixes, boolean keep) {
    List<Rule> exact = new ArrayList<>();
    for (String h : headers) {
      String[] parts = split(h);
      String field = parts[1] != null ? parts[1] : snake(parts[0]);
      checkField(h, field, false);
      exact.add(new Rule(parts[0].toLowerCase(Locale.ROOT), field, true));
    }
    List<Rule> pre = new ArrayList<>();
    for (String p : prefixes) {
      String[] parts = split(p);
      String field = parts[1] != null ? parts[1] : "";
      checkField(p, field, true);
      pre.add(new Rule(parts[0].toLowerCase(Locale.ROOT), field, true));
    }
    return new CaptureRules(exact, pre, keep);
  }

  private static String[] split(String entry) {
    String e = entry.trim();
    int colon = e.indexOf(':');
    String name = colon < 0 ? e : e.substring(0, colon).trim();
    String field = colon < 0 ? null : e.substring(colon + 1).trim();
    if (!TOKEN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "log capture entry " + quote(entry) + ": " + quote(name) + " is not a header name");
    }
    return new String[] {name, field};
  }

  private static void checkField(String entry, String field, boolean prefix) {
    if ((!prefix && field.isEmpty()) || !FIELD.matcher(field).matches()) {
      throw new IllegalArgumentException(
          "log capture entry " + quote(entry) + ": field " + quote(field)
              + " (expected: lower-case letters, digits and _)");
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** Lower case, {@code -} to {@code _}: how header names become field and variable names. */
  public static String snake(String headerName) {
    return headerName.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /** These rules, then {@code more}'s (a per-Ingress addition); {@code keep} if either keeps. */
  public CaptureRules plus(CaptureRules more) {
    if (more.isEmpty() && more.keep == keep) {
      return this;
    }
    if (isEmpty() && !keep) {
      return more;
    }
    List<Rule> e = new ArrayList<>(exact);
    e.addAll(more.exact);
    List<Rule> p = new ArrayList<>(prefixes);
    p.addAll(more.prefixes);
    return new CaptureRules(e, p, keep || more.keep);
  }

  /**
   * These rules plus headers that are only logged, never stripped (a text template's {@code
   * $upstream_http_<name>} variables, as nginx logs them).
   */
  public CaptureRules plusLoggedOnly(List<String> headerNames) {
    if (headerNames.isEmpty()) {
      return this;
    }
    List<Rule> e = new ArrayList<>(exact);
    for (String h : headerNames) {
      e.add(new Rule(h.toLowerCase(Locale.ROOT), "upstream_http_" + snake(h), false));
    }
    return new CaptureRules(e, prefixes, keep);
  }

  /** Whether no rule captures anything. */
  public boolean isEmpty() {
    return exact.isEmpty() && prefixes.isEmpty();
  }

  /**
   * Records the matching headers into {@code facts} and, unless {@code keep}, removes them from
   * {@code headers} (the client's copy of the upstream response). Values longer than {@code
   * maxValueLength} are cut.
   *
   * <p>Runs on the event loop for every response: header names are compared in place (ASCII,
   * ignoring case) and nothing is allocated for a header no rule matches.
   */
  public void capture(HttpHeaders headers, RequestFacts facts, int maxValueLength) {
    if (isEmpty() || headers.isEmpty()) {
      return;
    }
    boolean stripAny = false;
    @Nullable List<String> stripByPrefix = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> h = it.next();
      CharSequence name = h.getKey();
      Rule rule = findExact(name);
      if (rule != null) {
        facts.captured(rule.header, rule.field, cut(h.getValue().toString(), maxValueLength));
        stripAny |= rule.strip;
        continue;
      }
      rule = findPrefix(name);
      if (rule == null) {
        continue;
      }
      String lower = name.toString().toLowerCase(Locale.ROOT);
      facts.captured(lower, rule.field + snake(lower.substring(rule.header.length())),
          cut(h.getValue().toString(), maxValueLength));
      if (rule.strip && !keep) {
        if (stripByPrefix == null) {
          stripByPrefix = new ArrayList<>(4);
        }
        stripByPrefix.add(lower);
      }
    }
    if (keep) {
      return;
    }
    if (stripAny) {
      // Removing a header that is absent is a no-op; the first rule for a header decides.
      for (Rule r : exact) {
        if (r.strip && findExact(r.header) == r) {
          headers.remove(r.header);
        }
      }
    }
    if (stripByPrefix != null) {
      for (String name : stripByPrefix) {
        headers.remove(name);
      }
    }
  }

  private @Nullable Rule findExact(CharSequence name) {
    for (Rule r : exact) {
      if (AsciiString.contentEqualsIgnoreCase(name, r.header)) {
        return r;
      }
    }
    return null;
  }

  private @Nullable Rule findPrefix(CharSequence name) {
    for (Rule r : prefixes) {
      int n = r.header.length();
      if (name.length() > n && AsciiString.regionMatches(name, true, 0, r.header, 0, n)) {
        return r;
      }
    }
    return null;
  }

  static String cut(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max) + "...";
  }
}
