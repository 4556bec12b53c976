package dev.bollard.proxy.step;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ingress-nginx's {@code rewrite-target}: the upstream request target is rewritten as nginx's
 * {@code rewrite "(?i)<path>" <target> break;} rewrites it. The route's path, a case-insensitive
 * RE2 expression, is searched in the request path (normalised, as nginx's {@code $uri}); the whole
 * path is replaced by the target with {@code $1}…{@code $9} replaced by the groups of that match (a
 * group that does not exist or did not match is empty).
 *
 * <p>The query string follows nginx's rule: a target without {@code ?} keeps the request's query; a
 * target with its own query gets the request's query appended after {@code &}, unless the target
 * ends with {@code ?}, which drops it. The result is always a valid origin-form target: groups are
 * percent-encoded (a group can never carry a space, CR or LF, {@code ?} or {@code #} into the
 * request line; in the query part also {@code &}, {@code =} and {@code +}), and a result that does
 * not start with {@code /} gets one.
 *
 * <p>The expression and the target are compiled once, when the translator makes the step; a
 * request only runs the match and builds the new target.
 */
public final class RewriteTarget implements RouteStep, RouteFeature {

  /** Characters a target may hold besides letters, digits and {@code $1}…{@code $9}. */
  private static final String TARGET_CHARS = "-._~/:@!,;=+*'()&?";

  private final String pathRegex;
  private final String target;
  private final Pattern pattern;
  /** The target's path part: literals at even indexes, group numbers (as strings) at odd ones. */
  private final Object[] pathParts;
  /** The target's query part, or {@code null} when the target has no {@code ?}. */
  private final Object @org.jspecify.annotations.Nullable [] queryParts;
  /** Whether the request's query is appended (the target does not end with {@code ?}). */
  private final boolean keepQuery;

  /**
   * @param pathRegex the route's path, as written in the Ingress
   * @param target the annotation's value, checked with {@link #check}
   * @throws IllegalArgumentException if either cannot be used; the message says why
   */
  public RewriteTarget(String pathRegex, String target) {
    this.pathRegex = Objects.requireNonNull(pathRegex, "pathRegex");
    this.target = Objects.requireNonNull(target, "target");
    check(target);
    this.pattern = PathMatch.Regex.unanchored(pathRegex);
    String t = target;
    this.keepQuery = !t.endsWith("?");
    if (!keepQuery) {
      t = t.substring(0, t.length() - 1);
    }
    int q = t.indexOf('?');
    this.pathParts = parts(q < 0 ? t : t.substring(0, q));
    this.queryParts = q < 0 ? null : parts(t.substring(q + 1));
  }

  /**
   * Checks a {@code rewrite-target} value: a path starting with {@code /} (or with a group such as
   * {@code $1}), made of letters, digits, {@code - . _ ~ / : @ ! , ; = + * ' ( ) &}, optionally a
   * {@code ?} and a query of the same characters; {@code $} only before a digit 1-9.
   *
   * @throws IllegalArgumentException if the value cannot be used; the message says why
   */
  public static void check(String target) {
    if (target.isEmpty()) {
      throw new IllegalArgumentException("expected a path such as /$1");
    }
    String lower = target.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")
        || lower.startsWith("$scheme")) {
      throw new IllegalArgumentException("a URL makes nginx answer a redirect instead of"
          + " rewriting, which Bollard does not do; use permanent-redirect or temporal-redirect");
    }
    if (target.charAt(0) != '/' && target.charAt(0) != '$') {
      throw new IllegalArgumentException("expected a path starting with / (such as /$1)");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '$') {
        char next = i + 1 < target.length() ? target.charAt(i + 1) : ' ';
        if (next < '1' || next > '9') {
          throw new IllegalArgumentException("'$' at index " + i + " is not followed by a digit"
              + " 1-9; only the groups $1…$9 of the path are expanded (nginx variables are not)");
        }
      } else if (!isLetterOrDigit(c) && TARGET_CHARS.indexOf(c) < 0) {
        throw new IllegalArgumentException("character " + describe(c) + " at index " + i
            + " is not allowed (expected: letters, digits, $1…$9 and " + TARGET_CHARS + ")");
      }
    }
  }

  /** The route's path expression. */
  public String pathRegex() {
    return pathRegex;
  }

  /** The target as written in the annotation. */
  public String target() {
    return target;
  }

  @Override
  public Phase phase() {
    return Phase.REWRITE;
  }

  @Override
  public String name() {
    return "rewrite-target";
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    Matcher m = pattern.matcher(request.path());
    if (!m.find()) {
      return; // cannot happen for the route's own requests: its location matched the same path
    }
    StringBuilder out = new StringBuilder(target.length() + request.path().length() + 16);
    append(out, pathParts, m, false);
    if (out.length() == 0 || out.charAt(0) != '/') {
      out.insert(0, '/');
    }
    String originUri = request.originUri();
    int q = originUri.indexOf('?');
    String args = q < 0 ? "" : originUri.substring(q + 1);
    Object[] query = queryParts;
    if (query != null) {
      int mark = out.length();
      out.append('?');
      append(out, query, m, true);
      if (keepQuery && !args.isEmpty()) {
        out.append('&').append(args);
      }
      if (out.length() == mark + 1) {
        out.setLength(mark);
      }
    } else if (keepQuery && !args.isEmpty()) {
      out.append('?').append(args);
    }
    upstream.setUri(out.toString());
  }

  private static void append(StringBuilder out, Object[] parts, Matcher m, boolean query) {
    for (int i = 0; i < parts.length; i++) {
      if ((i & 1) == 0) {
        out.append((String) parts[i]);
      } else {
        int group = (Integer) parts[i];
        if (group <= m.groupCount()) {
          String value = m.group(group);
          if (value != null) {
            encode(out, value, query);
          }
        }
      }
    }
  }

  /** Percent-encodes a group's (decoded) text for the path or the query of a request target. */
  private static void encode(StringBuilder out, String value, boolean query) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80 && isSafe(c, query)) {
        out.append(c);
      } else {
        int end = i + 1;
        if (Character.isHighSurrogate(c) && end < value.length()) {
          end++;
        }
        for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        i = end - 1;
      }
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean isSafe(char c, boolean query) {
    if (isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/'
        || c == ':' || c == '@' || c == '!' || c == '$' || c == '\'' || c == '(' || c == ')'
        || c == '*' || c == ',' || c == ';') {
      return true;
    }
    return !query && (c == '&' || c == '=' || c == '+');
  }

  private static boolean isLetterOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  /** Literals at even indexes, group numbers at odd ones; always starts and ends with a literal. */
  private static Object[] parts(String template) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '$') {
        parts.add(literal.toString());
        literal.setLength(0);
        parts.add(template.charAt(i + 1) - '0');
        i++;
      } else {
        literal.append(c);
      }
    }
    parts.add(literal.toString());
    return parts.toArray();
  }

  private static String describe(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : "'" + c + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RewriteTarget other
        && pathRegex.equals(other.pathRegex) && target.equals(other.target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pathRegex, target);
  }

  @Override
  public String toString() {
    return "RewriteTarget[pathRegex=" + pathRegex + ", target=" + target + "]";
  }
}
