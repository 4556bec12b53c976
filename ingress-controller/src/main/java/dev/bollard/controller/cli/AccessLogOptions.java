package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.proxy.accesslog.AccessLog;

/**
 * Where access-log lines go and how: the values of the catalog's {@code --access-log*} flags, as
 * the runtimes take them.
 */
final class AccessLogOptions {

  /** No access log (the runtime's default when started without flags, e.g. in tests). */
  static final AccessLogOptions OFF = new AccessLogOptions("off", AccessLog.Format.JSON,
      AccessLog.DEFAULT_QUEUE_CAPACITY);

  final String destination;
  final AccessLog.Format format;
  final int queue;

  AccessLogOptions(String destination, AccessLog.Format format, int queue) {
    this.destination = destination;
    this.format = format;
    this.queue = queue;
  }

  /** The options the parsed flags describe. */
  static AccessLogOptions of(SettingValues flags) {
    return new AccessLogOptions(flags.get(Catalog.ACCESS_LOG), flags.get(Catalog.ACCESS_LOG_FORMAT),
        flags.get(Catalog.ACCESS_LOG_QUEUE));
  }
}
