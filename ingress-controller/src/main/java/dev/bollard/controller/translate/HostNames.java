package dev.bollard.controller.translate;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks Ingress host names against the API's rules: a DNS-1123 subdomain, or one behind {@code
 * *.}.
 */
final class HostNames {

  /** A DNS-1123 label; the API also caps labels at 63 characters, checked apart. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private HostNames() {}

  /**
   * The host as a lower-case pattern, or {@code null} if it is no valid host. The API server
   * rejects upper case; Bollard lower-cases instead, since a manifest directory has no API server
   * and host names are case-insensitive anyway.
   */
  static @Nullable String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    String domain = h.startsWith("*.") ? h.substring(2) : h;
    if (domain.isEmpty() || domain.length() > 253) {
      return null;
    }
    for (String label : domain.split("\\.", -1)) {
      if (label.length() > 63 || !LABEL.matcher(label).matches()) {
        return null;
      }
    }
    return h;
  }
}
