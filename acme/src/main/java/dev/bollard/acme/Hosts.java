package dev.bollard.acme;

import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Host-name normalisation shared by the value types, so that set comparisons are meaningful. */
final class Hosts {
  private Hosts() {}

  static SortedSet<String> normalise(Collection<String> hosts, String what) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(what + ": empty (expected: at least one DNS name)");
    }
    var result = new TreeSet<String>();
    for (String host : hosts) {
      if (host == null || host.isBlank() || host.contains(" ") || host.contains("/")) {
        throw new IllegalArgumentException(what + ": '" + host + "' (expected: a DNS name)");
      }
      result.add(host.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSortedSet(result);
  }

  static String describe(Set<String> hosts) {
    return String.join(",", hosts);
  }
}
