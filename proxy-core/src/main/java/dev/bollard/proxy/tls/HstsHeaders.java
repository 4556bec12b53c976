package dev.bollard.proxy.tls;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.routing.CurrentRoutes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds {@code Strict-Transport-Security} to every final response on an HTTPS connection, from the
 * global {@code hsts*} keys of the snapshot in force when the response is written. An upstream's
 * own header is kept, as nginx does with {@code add_header ... always} absent.
 */
final class HstsHeaders extends ChannelOutboundHandlerAdapter {

  static final String HEADER = "strict-transport-security";

  private final CurrentRoutes routes;

  HstsHeaders(CurrentRoutes routes) {
    this.routes = routes;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse response && response.status().code() >= 200
        && !response.headers().contains(HEADER)) {
      String value = value(routes.table().snapshot().settings().hsts());
      if (value != null) {
        response.headers().set(HEADER, value);
      }
    }
    ctx.write(msg, promise);
  }

  static @org.jspecify.annotations.Nullable String value(GlobalSettings.Hsts hsts) {
    if (!hsts.enabled()) {
      return null;
    }
    StringBuilder out = new StringBuilder("max-age=").append(hsts.maxAgeSeconds());
    if (hsts.includeSubdomains()) {
      out.append("; includeSubDomains");
    }
    if (hsts.preload()) {
      out.append("; preload");
    }
    return out.toString();
  }
}
