package dev.bollard.controller.cli;

import dev.bollard.proxy.accesslog.AccessLog;
import picocli.CommandLine.Option;

/** The access-log flags of {@code bollard run}. */
final class AccessLogOptions {

  /** No access log (the runtime's default when started without flags, e.g. in tests). */
  static final AccessLogOptions OFF = new AccessLogOptions("off", AccessLog.Format.JSON,
      AccessLog.DEFAULT_QUEUE_CAPACITY);

  @Option(
      names = "--access-log",
      paramLabel = "stdout|PATH|off",
      defaultValue = "stdout",
      description =
          "Where access-log lines go: stdout, a file (appended, reopened when rotated), or off."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_ACCESS_LOG.")
  String destination = "stdout";

  @Option(
      names = "--access-log-format",
      paramLabel = "json|text",
      defaultValue = "json",
      converter = FormatConverter.class,
      description =
          "json: one object per line; text: the log-format-upstream template."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_ACCESS_LOG_FORMAT.")
  AccessLog.Format format = AccessLog.Format.JSON;

  @Option(
      names = "--access-log-queue",
      paramLabel = "LINES",
      defaultValue = "65536",
      description =
          "Lines that may wait for the writer; beyond it lines are dropped and counted."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_ACCESS_LOG_QUEUE.")
  int queue = AccessLog.DEFAULT_QUEUE_CAPACITY;

  AccessLogOptions() {}

  AccessLogOptions(String destination, AccessLog.Format format, int queue) {
    this.destination = destination;
    this.format = format;
    this.queue = queue;
  }

  /** Parses {@code json} / {@code text}. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<AccessLog.Format> {
    @Override
    public AccessLog.Format convert(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "json" -> AccessLog.Format.JSON;
        case "text" -> AccessLog.Format.TEXT;
        default -> throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an access-log format (expected: json or text)");
      };
    }
  }
}
