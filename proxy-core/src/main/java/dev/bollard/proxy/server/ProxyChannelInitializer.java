package dev.bollard.proxy.server;

import dev.bollard.proxy.clientip.ProxyProtocolGate;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.handler.ClientTimeouts;
import dev.bollard.proxy.handler.HeadLimits;
import dev.bollard.proxy.handler.ProxyHandler;
import dev.bollard.proxy.handler.RequestValidator;
import dev.bollard.proxy.http2.AlpnSwitch;
import dev.bollard.proxy.http2.Http2Pipelines;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds a client connection's pipeline: every step, in order, with its name, in one method.
 *
 * <p>Steps: {@code proxy-protocol} (only with {@code use-proxy-protocol}: the PROXY header of a
 * trusted balancer), {@code tls-hello} (HTTPS listener only: certificate choice, then the TLS
 * handler {@code ssl} in its place, see {@code EdgeTls}), {@code alpn} (HTTPS listener only: when
 * ALPN chose {@code h2} at the end of the handshake, the HTTP/1.1 steps after it leave and
 * HTTP/2's take their place, see {@code Http2Pipelines}), {@code http} (HTTP/1.1 codec, limits
 * from the settings, held by the validator's raw-byte scanner, which also runs the client's
 * header-read and keep-alive idle timers: one step, not two), {@code hsts} (HTTPS listener only),
 * {@code validate} (hostile input), {@code proxy} (routing, guard, {@code
 * X-Robots-Tag} for guarded hosts, relaying). TLS comes right after the PROXY protocol header, so
 * everything the proxy writes, including the header timeout's 408, is encrypted. No aggregator
 * anywhere: bodies stream.
 *
 * <p>SSL passthrough: when the ClientHello's SNI name is passed through, {@code tls-hello} hands the
 * connection to {@link #relay}, which takes {@code http}, {@code hsts} and {@code validate} (with
 * its scanner and the client timers) out and puts the byte relay ({@code passthrough}, with {@code
 * passthrough-idle} before it) where {@code tls-hello} was; {@code proxy} stays last and only
 * counts the connection.
 *
 * <p>Until the server {@linkplain ProxyServer#open() opens} (the first snapshot), a connection
 * gets only {@code not-ready-timeout}, {@code http} and {@code not-ready}: {@code 503} with
 * {@code Retry-After}, then close ({@link NotReadyResponder}). The HTTPS listener accepts nothing
 * before then, so it never meets that case.
 *
 * <p>Few steps on purpose: every step costs each read or write a pass through it, and each idle
 * connection a handler context. One initializer per listener, not one wrapped in another: each
 * initializer is a handler added to and removed from every new connection's pipeline.
 */
final class ProxyChannelInitializer extends ChannelInitializer<SocketChannel> {

  private static final String HTTP = "http";
  private static final String HSTS = "hsts";
  private static final String VALIDATE = "validate";
  private static final String PASSTHROUGH = "passthrough";
  private static final String ALPN = "alpn";
  private static final String PROXY = "proxy";
  /** What a passed-through connection no longer needs, in the order it leaves. */
  private static final List<String> HTTP_STEPS = List.of(ALPN, VALIDATE, HSTS, HTTP);
  /** What an HTTP/2 connection no longer needs, in the order it leaves. */
  private static final List<String> HTTP_1_STEPS = List.of(VALIDATE, HSTS, HTTP, PROXY);

  private final ServerSettings settings;
  /** Shared by the listener's request handlers; also its routes, telemetry and TLS side. */
  private final ProxyHandler.Listener shared;
  /** The client timeouts of the last connection, shared with the next ones while they apply. */
  private volatile ClientTimeouts.@Nullable Limits limits;

  private final HeadLimits headLimits;
  /** Whether the server serves yet; read once per accepted connection, never per request. */
  private final BooleanSupplier serving;

  ProxyChannelInitializer(
      ServerSettings settings, ProxyHandler.Listener shared, BooleanSupplier serving) {
    this.settings = settings;
    this.shared = shared;
    this.serving = serving;
    this.headLimits = new HeadLimits(settings.maxUriBytes(), settings.maxHeaderBytes(),
        settings.maxHeaderCount());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // The active config's client timeouts apply to connections accepted after it was published.
    GlobalSettings global = shared.routes().table().snapshot().settings();
    if (!serving.getAsBoolean()) {
      p.addLast("not-ready-timeout", new ReadTimeoutHandler(
          global.timeouts().clientHeader().toMillis(), TimeUnit.MILLISECONDS));
      // No validator here, so Netty's codec with the validator's config (the scanner needs one).
      p.addLast("http", RequestValidator.newServerCodec(headLimits));
      p.addLast("not-ready", NotReadyResponder.INSTANCE);
      return;
    }
    ClientTimeouts timeouts = new ClientTimeouts(limits(global.timeouts()));
    shared.telemetry().connectionOpened();
    // With use-proxy-protocol, the first bytes may be a PROXY header from a trusted balancer.
    if (global.useProxyProtocol()) {
      p.addLast("proxy-protocol",
          new ProxyProtocolGate(shared.routes().table().realIp().trusted()));
    }
    ChannelHandler hello = shared.edge().helloStep();
    if (hello != null) {
      p.addLast("tls-hello", hello);
      // ALPN chose h2: the HTTP/1.1 steps below leave for HTTP/2's (settings read now, once).
      ClientTimeouts.Limits limits = limits(global.timeouts());
      p.addLast(ALPN, new AlpnSwitch(pipeline -> {
        for (String step : HTTP_1_STEPS) {
          if (pipeline.get(step) != null) {
            pipeline.remove(step);
          }
        }
        Http2Pipelines.serve(pipeline, shared, global, headLimits, limits);
      }));
    }
    // Answers 400/414/431 itself and closes: the proxy step only sees well-formed requests.
    RequestValidator validator = new RequestValidator(headLimits);
    // The validator's codec step: its raw-byte scanner decodes the requests itself (Netty's
    // decoder's limits, strictness and RFC 9112 framing) and encodes responses with Netty's
    // encoder; the first step to see request bytes, it also runs the client timers.
    p.addLast(HTTP, validator.scanningCodec(timeouts));
    ChannelHandler hsts = shared.edge().hstsStep();
    if (hsts != null) {
      p.addLast(HSTS, hsts);
    }
    p.addLast(VALIDATE, validator);
    p.addLast(PROXY, new ProxyHandler(shared, timeouts, global.keepAliveRequests()));
  }

  /**
   * Turns a connection whose {@code tls-hello} step is at {@code hello} into an SSL passthrough
   * relay: the HTTP steps leave, {@code relay} takes the hello step's place (and receives the
   * bytes it read).
   */
  static void relay(ChannelHandlerContext hello, ChannelHandler relay) {
    ChannelPipeline p = hello.pipeline();
    // The codec step is the validator's scanner; leaving, it stops the client timers.
    for (String step : HTTP_STEPS) {
      if (p.get(step) != null) {
        p.remove(step);
      }
    }
    p.replace(hello.handler(), PASSTHROUGH, relay);
  }

  private ClientTimeouts.Limits limits(Timeouts timeouts) {
    ClientTimeouts.Limits current = limits;
    if (current == null || !current.matches(timeouts)) {
      current = new ClientTimeouts.Limits(timeouts);
      limits = current;
    }
    return current;
  }
}
