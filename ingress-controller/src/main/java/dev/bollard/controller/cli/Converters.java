package dev.bollard.controller.cli;

import dev.bollard.controller.settings.ValueParsers;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The picocli face of the settings' address parser, for the flags not in the catalog yet. */
final class Converters {

  private Converters() {}

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
