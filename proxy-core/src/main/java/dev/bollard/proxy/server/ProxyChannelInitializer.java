package dev.bollard.proxy.server;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.handler.ClientConnections;
import dev.bollard.proxy.handler.ClientTimeouts;
import dev.bollard.proxy.handler.ProxyHandler;
import dev.bollard.proxy.handler.RequestTelemetry;
import dev.bollard.proxy.clientip.ProxyProtocolGate;
import dev.bollard.proxy.handler.RequestValidator;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Builds a client connection's pipeline: every step, in order, with its name, in one method.
 *
 * <p>Steps: {@code proxy-protocol} (only with {@code use-proxy-protocol}: the PROXY header of a
 * trusted balancer), {@code http} (HTTP/1.1 codec, limits from the settings), {@code validate}
 * (hostile input; it puts its raw-byte scanner {@code validate-scan} just before {@code http},
 * which also runs the client's header-read and keep-alive idle timers), {@code proxy} (routing,
 * guard, {@code X-Robots-Tag} for guarded hosts, relaying). The TLS steps of an HTTPS listener go
 * right after {@code proxy-protocol} (see {@code EdgeTls}), so everything the proxy writes,
 * including the header timeout's 408, is encrypted. No aggregator anywhere: bodies stream.
 *
 * <p>Few steps on purpose: every step costs each read or write a pass through it, and each idle
 * connection a handler context.
 */
final class ProxyChannelInitializer extends ChannelInitializer<SocketChannel> {

  private final ServerSettings settings;
  private final CurrentRoutes routes;
  private final UpstreamPools pools;
  private final ClientConnections connections;
  private final RequestGuard guard;
  private RequestTelemetry telemetry = RequestTelemetry.NONE;

  ProxyChannelInitializer(
      ServerSettings settings,
      CurrentRoutes routes,
      UpstreamPools pools,
      ClientConnections connections,
      RequestGuard guard) {
    this.settings = settings;
    this.routes = routes;
    this.pools = pools;
    this.connections = connections;
    this.guard = guard;
  }

  /** Logs, measures and reads client addresses through {@code telemetry}. */
  ProxyChannelInitializer telemetry(RequestTelemetry value) {
    telemetry = value;
    return this;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch);
    ChannelPipeline p = ch.pipeline();
    // The active config's client timeouts apply to connections accepted after it was published.
    GlobalSettings global = routes.table().snapshot().settings();
    ClientTimeouts timeouts = new ClientTimeouts(
        orElse(global.clientHeaderTimeout(), settings.clientHeaderTimeout()),
        orElse(global.keepAliveTimeout(), settings.keepAliveIdleTimeout()));
    // With use-proxy-protocol, the first bytes may be a PROXY header from a trusted balancer.
    ProxyProtocolGate gate = telemetry.accepted(ch, global);
    if (gate != null) {
      p.addLast("proxy-protocol", gate);
    }
    // The codec the validator is written against (limits, strictness, RFC 9112 framing): one
    // definition, not a second copy here that could drift from it.
    p.addLast("http", RequestValidator.newServerCodec(settings));
    // Answers 400/414/431 itself and closes: the proxy step only sees well-formed requests. Its
    // scanner, the first step to see request bytes, runs the client timers.
    p.addLast("validate", new RequestValidator(settings, timeouts));
    p.addLast(
        "proxy",
        new ProxyHandler(
            routes, pools, connections, settings.upstreamReadTimeout(), guard)
            .telemetry(telemetry)
            .clientTimeouts(timeouts));
  }

  private static Duration orElse(@Nullable Duration configured, Duration listener) {
    return configured != null ? configured : listener;
  }
}
