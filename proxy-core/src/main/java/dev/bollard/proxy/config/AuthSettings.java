package dev.bollard.proxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The global Basic-auth guard from the versioned ConfigMap ({@code bollard-auth-*} keys), and the
 * options every guard shares.
 *
 * <p>Every request whose host matches one of {@link #hosts} is guarded by {@link #policy}, unless
 * the route serving it has its own policy (an Ingress annotation is more specific). This applies
 * to whatever serves the request: a route of that host, the rules without host ({@code _}) or the
 * default backend, so a preview host nobody has deployed yet is guarded too.
 *
 * @param hosts host patterns: exact names or single-label wildcards ({@code *.preview.example.com}),
 *     lower case; empty for no global guard
 * @param secret the Secret with the credentials, {@code namespace/name}, or {@code null}
 * @param realm the realm of the global guard's challenge
 * @param exemptPaths paths every guard lets through without credentials (health checks): an entry
 *     ending in {@code /} exempts everything below it, any other entry exactly that path
 * @param forwardAuthorization whether {@code Authorization} goes upstream after a successful check
 * @param policy the global guard resolved from {@link #secret} by the control plane, or {@code
 *     null} before resolution (then matching hosts fail closed with 503)
 */
public record AuthSettings(
    List<String> hosts,
    @Nullable String secret,
    String realm,
    List<String> exemptPaths,
    boolean forwardAuthorization,
    @Nullable BasicAuthPolicy policy) {

  /** No global guard, no exempt path, {@code Authorization} not forwarded. */
  public static final AuthSettings NONE =
      new AuthSettings(List.of(), null, BasicAuthPolicy.DEFAULT_REALM, List.of(), false, null);

  /** Checks patterns and paths. */
  public AuthSettings {
    hosts = List.copyOf(hosts);
    for (String host : hosts) {
      String name = host.startsWith("*.") ? host.substring(2) : host;
      if (name.isEmpty() || name.contains("*") || !host.equals(host.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("hosts: " + host
            + " (expected: a lower-case host name or *.domain)");
      }
    }
    Objects.requireNonNull(realm, "realm");
    exemptPaths = List.copyOf(exemptPaths);
    for (String path : exemptPaths) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException(
            "exemptPaths: " + path + " (expected: a path starting with '/')");
      }
    }
  }

  /** These settings with the resolved global policy. */
  public AuthSettings withPolicy(@Nullable BasicAuthPolicy resolved) {
    return new AuthSettings(hosts, secret, realm, exemptPaths, forwardAuthorization, resolved);
  }

  /**
   * The global policy for a host, or {@code null} when the host is not globally guarded.
   *
   * @param host a normalised host: lower case, no port, no trailing dot
   */
  public @Nullable BasicAuthPolicy policyFor(String host) {
    if (hosts.isEmpty() || !matches(host)) {
      return null;
    }
    return policy != null ? policy
        : BasicAuthPolicy.broken("global config bollard-auth-hosts", realm,
            "the global guard's Secret was not resolved");
  }

  private boolean matches(String host) {
    for (String pattern : hosts) {
      if (pattern.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(pattern.substring(2))) {
          return true;
        }
      } else if (pattern.equals(host)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a normalised path is exempt. */
  public boolean exempts(String normalizedPath) {
    for (String entry : exemptPaths) {
      if (entry.endsWith("/")
          ? normalizedPath.startsWith(entry)
              || normalizedPath.equals(entry.substring(0, entry.length() - 1))
          : normalizedPath.equals(entry)) {
        return true;
      }
    }
    return false;
  }
}
