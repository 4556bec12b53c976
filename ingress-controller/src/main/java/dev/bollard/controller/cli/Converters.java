package dev.bollard.controller.cli;

import dev.bollard.controller.settings.ValueParsers;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The picocli face of the settings' parsers, for the flags that are not in the catalog yet. */
final class Converters {

  private Converters() {}

  /** {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, {@code 0}, or ISO-8601 ({@code PT1M}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return ValueParsers.duration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} or {@code PORT} (all interfaces). */
  static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return ValueParsers.address(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
