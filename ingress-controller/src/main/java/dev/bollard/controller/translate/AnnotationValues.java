package dev.bollard.controller.translate;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Value formats that several ingress-nginx annotations share, read the way ingress-nginx reads
 * them. Each throws {@link IllegalArgumentException} saying what was expected.
 */
final class AnnotationValues {

  private static final Pattern WHOLE = Pattern.compile("\\d{1,9}");

  private AnnotationValues() {}

  /**
   * A whole number of seconds, as ingress-nginx reads its timeout annotations ({@code strconv.Atoi}:
   * {@code "60"}, not {@code "60s"}; ingress-nginx ignores such a value and keeps the global one,
   * which is also what happens here, with a problem that says so).
   */
  static Duration seconds(String value, boolean zeroAllowed) {
    String v = value.strip();
    if (!WHOLE.matcher(v).matches()) {
      throw new IllegalArgumentException("expected whole seconds such as 60, without a unit"
          + " (ingress-nginx does not read \"60s\" in annotations either and keeps the global"
          + " value)");
    }
    long n = Long.parseLong(v);
    if (n == 0 && !zeroAllowed) {
      throw new IllegalArgumentException("expected more than 0 seconds");
    }
    return Duration.ofSeconds(n);
  }

  /** A whole number from 0 to {@code max}. */
  static int count(String value, int max) {
    String v = value.strip();
    if (!WHOLE.matcher(v).matches() || Long.parseLong(v) > max) {
      throw new IllegalArgumentException("expected a whole number from 0 to " + max);
    }
    return Integer.parseInt(v);
  }

  /** A boolean as Go's {@code strconv.ParseBool} reads one (ingress-nginx's bool annotations). */
  static boolean bool(String value) {
    return switch (value.strip()) {
      case "true", "True", "TRUE", "t", "T", "1" -> true;
      case "false", "False", "FALSE", "f", "F", "0" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  /** nginx's {@code on} or {@code off}, exactly (ingress-nginx compares case-sensitively). */
  static boolean onOff(String value) {
    return switch (value.strip()) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("expected on or off");
    };
  }
}
