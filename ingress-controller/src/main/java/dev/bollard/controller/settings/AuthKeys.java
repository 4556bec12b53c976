package dev.bollard.controller.settings;

import dev.bollard.proxy.config.AuthSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Parses the {@code bollard-auth-*} keys, each replacing one part of {@link AuthSettings}. */
final class AuthKeys {

  private AuthKeys() {}

  static AuthSettings hosts(AuthSettings a, String value) {
    List<String> hosts = list(value.toLowerCase(Locale.ROOT));
    return new AuthSettings(hosts, a.secret(), a.realm(), a.exemptPaths(),
        a.forwardAuthorization(), a.policy());
  }

  static AuthSettings secret(AuthSettings a, String value) {
    String ref = value.strip();
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          ValueParsers.quote(value) + " (expected: namespace/name of a Secret)");
    }
    return new AuthSettings(a.hosts(), ref, a.realm(), a.exemptPaths(),
        a.forwardAuthorization(), a.policy());
  }

  static AuthSettings realm(AuthSettings a, String value) {
    return new AuthSettings(a.hosts(), a.secret(), value.strip(), a.exemptPaths(),
        a.forwardAuthorization(), a.policy());
  }

  static AuthSettings exemptPaths(AuthSettings a, String value) {
    return new AuthSettings(a.hosts(), a.secret(), a.realm(), list(value),
        a.forwardAuthorization(), a.policy());
  }

  static AuthSettings forward(AuthSettings a, boolean value) {
    return new AuthSettings(a.hosts(), a.secret(), a.realm(), a.exemptPaths(), value,
        a.policy());
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
  }
}
