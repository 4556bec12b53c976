package dev.bollard.proxy.server;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.guard.NoIndexHeaders;
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
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Builds a client connection's pipeline: every step, in order, with its name, in one method.
 *
 * <p>Steps: {@code timeouts} (raw bytes: header-read and keep-alive idle timers), {@code http}
 * (HTTP/1.1 codec, limits from the settings), {@code validate} (hostile input), {@code no-index}
 * ({@code X-Robots-Tag} for guarded hosts), {@code proxy} (routing, guard, relaying). No aggregator anywhere: bodies stream.
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
    p.addLast(
        "timeouts",
        new ClientTimeouts(
            orElse(global.clientHeaderTimeout(), settings.clientHeaderTimeout()),
            orElse(global.keepAliveTimeout(), settings.keepAliveIdleTimeout())));
    p.addLast("http", new HttpServerCodec(decoderConfig(settings)));
    // Answers 400/414/431 itself and closes: the proxy step only sees well-formed requests.
    p.addLast("validate", new RequestValidator(settings));
    // X-Robots-Tag on every response of a guarded host, upstream and local ones alike.
    p.addLast("no-index", new NoIndexHeaders());
    p.addLast(
        "proxy",
        new ProxyHandler(
            routes, pools, connections, settings.upstreamReadTimeout(), guard)
            .telemetry(telemetry));
    // With use-proxy-protocol, the first bytes may be a PROXY header from a trusted balancer.
    ProxyProtocolGate gate = telemetry.accepted(ch, global);
    if (gate != null) {
      p.addAfter("timeouts", "proxy-protocol", gate);
    }
  }

  private static Duration orElse(@Nullable Duration configured, Duration listener) {
    return configured != null ? configured : listener;
  }

  static HttpDecoderConfig decoderConfig(ServerSettings settings) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(settings.maxUriBytes())
        .setMaxHeaderSize(settings.maxHeaderBytes())
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true);
  }
}
