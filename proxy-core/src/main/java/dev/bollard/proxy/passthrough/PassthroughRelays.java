package dev.bollard.proxy.passthrough;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.channel.ChannelHandler;
import java.util.Objects;

/**
 * SSL passthrough for one proxy server: makes the relay that takes an HTTPS connection over once
 * its SNI name chose a passed-through backend.
 *
 * <p>Timeouts come from the config version in force when the connection's ClientHello arrived:
 * {@code proxy-connect-timeout} for each TCP connect to an endpoint (each endpoint is tried once,
 * in round-robin order), and {@code proxy-read-timeout} as the idle timeout: no byte in either
 * direction for that long closes both connections (nginx's stream {@code proxy_timeout}).
 */
public final class PassthroughRelays {

  final UpstreamPools pools;
  final RequestTelemetry telemetry;
  private final CurrentRoutes routes;

  /**
   * @param pools opens the backend connections (never pooled; the pools' DNS resolver serves
   *     {@code ExternalName} hosts)
   * @param routes the config in force, for the timeouts
   * @param telemetry counts the relayed connections and bytes
   */
  public PassthroughRelays(UpstreamPools pools, CurrentRoutes routes, RequestTelemetry telemetry) {
    this.pools = Objects.requireNonNull(pools, "pools");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
  }

  /**
   * The step that relays one client connection to {@code backend}; it connects as soon as it
   * joins the pipeline and holds the client's bytes (reading paused) until then.
   *
   * @param serverName the SNI name that chose the backend, for logs
   */
  public ChannelHandler newRelay(Backend backend, String serverName) {
    Timeouts t = routes.table().snapshot().settings().timeouts();
    return new PassthroughRelay(this, backend, serverName, t.connect(), t.read());
  }
}
