package dev.bollard.proxy.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * How a route matches the request path, after the Ingress {@code pathType}s.
 *
 * <ul>
 *   <li>{@link Exact}: the path equals the request path, case-sensitively.
 *   <li>{@link Prefix}: the path's {@code /}-separated elements are a prefix of the request path's
 *       elements ({@code /foo} matches {@code /foo} and {@code /foo/bar}, not {@code /foobar}); a
 *       trailing slash on either side is ignored.
 *   <li>{@link ImplementationSpecific}: Bollard treats it exactly like {@link Prefix}.
 *   <li>{@link Regex}: a path of an Ingress with ingress-nginx's {@code use-regex} (or a rewriting
 *       {@code rewrite-target}): a case-insensitive regular expression anchored at the start.
 * </ul>
 *
 * <p>A host with at least one {@link Regex} route is matched the way ingress-nginx matches such a
 * server in nginx: every path of the host, whatever its type, becomes a case-insensitive regular
 * expression anchored at the start, tried longest first, and the first that matches wins (see
 * {@code RouteTable}).
 */
public sealed interface PathMatch {

  /** The path as written in the Ingress; always starts with {@code /}. */
  String path();

  /** {@code pathType: Exact}. */
  record Exact(String path) implements PathMatch {
    public Exact {
      requireAbsolute(path);
    }
  }

  /** {@code pathType: Prefix}. */
  record Prefix(String path) implements PathMatch {
    public Prefix {
      requireAbsolute(path);
    }
  }

  /** {@code pathType: ImplementationSpecific}, matched like {@link Prefix}. */
  record ImplementationSpecific(String path) implements PathMatch {
    public ImplementationSpecific {
      requireAbsolute(path);
    }
  }

  /**
   * A regular-expression path (RE2 syntax, matched in linear time): matches a request path that
   * {@code ^path} matches case-insensitively, as ingress-nginx's {@code location ~* "^path"}.
   *
   * @param path the expression as written in the Ingress; starts with {@code /}
   * @throws IllegalArgumentException if RE2 cannot compile it (back-references, look-around...)
   */
  record Regex(String path) implements PathMatch {
    public Regex {
      requireAbsolute(path);
      location(path);
    }

    /**
     * The expression nginx would use for a location of {@code path} on a regex server: {@code
     * ^path}, case-insensitive, to be used with {@code find()} (an alternation inside {@code path}
     * is not anchored, exactly as in nginx).
     *
     * @throws IllegalArgumentException if RE2 cannot compile it; the message says why
     */
    public static Pattern location(String path) {
      return compile("^" + path);
    }

    /**
     * {@code path} as a case-insensitive expression, unanchored: what nginx's {@code rewrite
     * "(?i)path"} searches for.
     *
     * @throws IllegalArgumentException if RE2 cannot compile it; the message says why
     */
    public static Pattern unanchored(String path) {
      return compile(path);
    }

    private static Pattern compile(String expression) {
      try {
        return Pattern.compile(expression, Pattern.CASE_INSENSITIVE);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "not a regular expression Bollard can match (RE2 syntax: no back-references,"
                + " look-around, atomic groups or possessive quantifiers): " + e.getDescription(),
            e);
      }
    }
  }

  private static void requireAbsolute(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starts with '/')");
    }
  }
}
