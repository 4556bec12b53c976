package dev.bollard.proxy.routing;

import com.google.re2j.Pattern;
import dev.bollard.proxy.config.PathMatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The paths of a host that has a {@link PathMatch.Regex} route, matched as ingress-nginx's nginx
 * matches such a server ({@code enforceRegexModifier}): every path becomes a location {@code ~*
 * "^path"} (case-insensitive, anchored at the start, searched with {@code find}), the locations are
 * tried longest path first (ties: the greater string first, then the route order of the snapshot)
 * and the first that matches wins. A {@code Prefix} path {@code /p} of an Ingress that is not
 * itself a regex one becomes two locations, {@code /p/} and {@code /p} (the second only when the
 * host has no {@code Exact /p}), as ingress-nginx's {@code updateServerLocations} writes them;
 * {@code Exact} paths become regex locations too (ingress-nginx drops {@code =} on such a server).
 *
 * <p>A location without regex metacharacters is compared as a case-insensitive prefix, without a
 * regex engine; one that RE2 cannot compile (only possible for a path that is not a {@link
 * PathMatch.Regex}: those are checked when made) is compared the same way, literally, where nginx
 * would have refused the whole configuration.
 *
 * @param <T> what a location leads to
 */
final class RegexLocations<T> {

  private final List<Location<T>> locations;

  private RegexLocations(List<Location<T>> locations) {
    this.locations = List.copyOf(locations);
  }

  /** Whether {@code paths} has a regex path, which puts the whole host in regex mode. */
  static boolean isRegexHost(List<PathMatch> paths) {
    for (PathMatch p : paths) {
      if (p instanceof PathMatch.Regex) {
        return true;
      }
    }
    return false;
  }

  /**
   * The locations of one host, in matching order.
   *
   * @param paths the host's paths, in snapshot order
   * @param targets what each path leads to, same order
   */
  static <T> RegexLocations<T> of(List<PathMatch> paths, List<T> targets) {
    Set<String> exact = new HashSet<>();
    for (PathMatch p : paths) {
      if (p instanceof PathMatch.Exact) {
        exact.add(p.path());
      }
    }
    List<Location<T>> out = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      PathMatch p = paths.get(i);
      T target = targets.get(i);
      String path = p.path();
      if (p instanceof PathMatch.Prefix && !path.equals("/")) {
        out.add(Location.of(path.endsWith("/") ? path : path + "/", target));
        if (!exact.contains(path)) {
          out.add(Location.of(path, target));
        }
      } else {
        out.add(Location.of(path, target));
      }
    }
    // ingress-nginx sorts by path descending, then (stably) by length descending.
    out.sort(Comparator.comparingInt((Location<T> l) -> l.length).reversed()
        .thenComparing(l -> l.path, Comparator.reverseOrder()));
    return new RegexLocations<>(out);
  }

  /** What the first matching location leads to, or {@code null}. */
  @Nullable T find(String path) {
    for (Location<T> location : locations) {
      if (location.matches(path)) {
        return location.target;
      }
    }
    return null;
  }

  /** The location paths in matching order (for tests and the status page). */
  List<String> order() {
    return locations.stream().map(l -> l.path).toList();
  }

  private static final class Location<T> {
    final String path;
    /** Length in UTF-8 bytes, as Go's {@code len} that ingress-nginx sorts by. */
    final int length;
    /** {@code null} for a literal path, compared as a case-insensitive prefix. */
    final @Nullable Pattern pattern;
    final T target;

    private Location(String path, @Nullable Pattern pattern, T target) {
      this.path = path;
      this.length = path.getBytes(StandardCharsets.UTF_8).length;
      this.pattern = pattern;
      this.target = target;
    }

    static <T> Location<T> of(String path, T target) {
      Pattern pattern = null;
      if (hasMetacharacters(path)) {
        try {
          pattern = PathMatch.Regex.location(path);
        } catch (IllegalArgumentException e) {
          pattern = null; // a non-regex path RE2 cannot read: compared literally
        }
      }
      return new Location<>(path, pattern, target);
    }

    boolean matches(String requestPath) {
      Pattern p = pattern;
      if (p == null) {
        return requestPath.regionMatches(true, 0, path, 0, path.length());
      }
      return p.matcher(requestPath).find();
    }

    private static boolean hasMetacharacters(String path) {
      for (int i = 0; i < path.length(); i++) {
        if ("\\.+*?()|[]{}^$".indexOf(path.charAt(i)) >= 0) {
          return true;
        }
      }
      return false;
    }
  }
}
