package dev.bollard.controller.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers for the value formats the options use. */
final class Converters {

  private Converters() {}

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, {@code 0}, or ISO-8601 ({@code PT1M}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("0")) {
        return Duration.ZERO;
      }
      Matcher m = DURATION.matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      try {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration (expected e.g. 500ms, 60s, 5m, 1h)");
      }
    }
  }

  /** {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} or {@code PORT} (all interfaces). */
  static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      String v = value.trim();
      int colon = v.lastIndexOf(':');
      String host = colon < 0 ? "" : v.substring(0, colon);
      String portText = colon < 0 ? v : v.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw invalid(value, "put an IPv6 address in brackets, e.g. [::1]:8080");
      }
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw invalid(value, "expected HOST:PORT, e.g. 0.0.0.0:8080");
      }
      if (port < 0 || port > 65535) {
        throw invalid(value, "port " + port + " is not in 0-65535");
      }
      InetSocketAddress address =
          host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        throw invalid(value, "cannot resolve host '" + host + "'");
      }
      return address;
    }

    private static TypeConversionException invalid(String value, String why) {
      return new TypeConversionException("'" + value + "': " + why);
    }
  }
}
