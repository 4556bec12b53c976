package dev.bollard.controller.cli;

import dev.bollard.proxy.server.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The proxy listener's flags. Their defaults must stay equal to {@link ServerSettings#defaults}'s
 * (a test checks).
 */
final class ServerOptions {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8080",
      converter = Converters.AddressConverter.class,
      description = "Proxy listener (plain HTTP). Default: ${DEFAULT-VALUE}. Env: BOLLARD_LISTEN.")
  InetSocketAddress listen;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Proxy event-loop threads; 0 means two per core. Default: ${DEFAULT-VALUE}."
              + " Env: BOLLARD_IO_THREADS.")
  int ioThreads;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = Converters.DurationConverter.class,
      description =
          "Upstream TCP connect timeout before trying another endpoint (then 502)."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_CONNECT_TIMEOUT.")
  Duration connectTimeout;

  @Option(
      names = "--upstream-read-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Converters.DurationConverter.class,
      description =
          "Longest upstream silence while a response is expected (then 504)."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_UPSTREAM_READ_TIMEOUT.")
  Duration upstreamReadTimeout;

  @Option(
      names = "--client-header-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Converters.DurationConverter.class,
      description =
          "Time a client has to send a complete request head (then 408)."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_CLIENT_HEADER_TIMEOUT.")
  Duration clientHeaderTimeout;

  @Option(
      names = "--keep-alive-timeout",
      paramLabel = "DURATION",
      defaultValue = "75s",
      converter = Converters.DurationConverter.class,
      description =
          "Idle client keep-alive connections are closed after this."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_KEEP_ALIVE_TIMEOUT.")
  Duration keepAliveTimeout;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "BYTES",
      defaultValue = "32768",
      description =
          "Largest request head (then 431). Default: ${DEFAULT-VALUE}."
              + " Env: BOLLARD_MAX_HEADER_BYTES.")
  int maxHeaderBytes;

  @Option(
      names = "--max-uri-bytes",
      paramLabel = "BYTES",
      defaultValue = "8192",
      description =
          "Longest request line (then 414). Default: ${DEFAULT-VALUE}. Env: BOLLARD_MAX_URI_BYTES.")
  int maxUriBytes;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = Converters.DurationConverter.class,
      description =
          "On SIGTERM, how long in-flight requests may finish. Default: ${DEFAULT-VALUE}."
              + " Env: BOLLARD_SHUTDOWN_GRACE.")
  Duration shutdownGrace;

  @Option(
      names = "--upstream-idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Converters.DurationConverter.class,
      description =
          "Pooled upstream keep-alive connections unused this long are closed."
              + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_UPSTREAM_IDLE_TIMEOUT.")
  Duration upstreamIdleTimeout;

  /**
   * @throws IllegalArgumentException if a value is out of range (the message names the setting)
   */
  ServerSettings toSettings() {
    return new ServerSettings(
        listen,
        ioThreads,
        connectTimeout,
        upstreamReadTimeout,
        clientHeaderTimeout,
        keepAliveTimeout,
        maxHeaderBytes,
        maxUriBytes,
        shutdownGrace,
        upstreamIdleTimeout);
  }
}
