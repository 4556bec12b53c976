package dev.bollard.proxy.config;

/**
 * How a route matches the request path, after the Ingress {@code pathType}s.
 *
 * <ul>
 *   <li>{@link Exact}: the path equals the request path, case-sensitively.
 *   <li>{@link Prefix}: the path's {@code /}-separated elements are a prefix of the request path's
 *       elements ({@code /foo} matches {@code /foo} and {@code /foo/bar}, not {@code /foobar}); a
 *       trailing slash on either side is ignored.
 *   <li>{@link ImplementationSpecific}: Bollard treats it exactly like {@link Prefix}.
 * </ul>
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

  private static void requireAbsolute(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starts with '/')");
    }
  }
}
