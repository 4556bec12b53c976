package dev.bollard.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Answers the probe paths; one instance per connection. */
final class ProbeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private final Supplier<Readiness> readiness;
  private final Supplier<String> status;
  private final @Nullable Supplier<String> metrics;
  private final Map<String, AdminPage> pages;

  ProbeHandler(BooleanSupplier ready, Supplier<String> status) {
    this(() -> ready.getAsBoolean() ? Readiness.READY : Readiness.STARTING, status, null,
        Map.of());
  }

  ProbeHandler(
      Supplier<Readiness> readiness,
      Supplier<String> status,
      @Nullable Supplier<String> metrics,
      Map<String, AdminPage> pages) {
    this.metrics = metrics;
    this.readiness = readiness;
    this.status = status;
    this.pages = pages;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request", false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    AdminPage page = pages.get(path);
    boolean known = path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz")
        || path.equals("/status") || (path.equals("/metrics") && metrics != null)
        || page != null;
    if (!known) {
      respond(ctx, request, HttpResponseStatus.NOT_FOUND, "not found", true);
      return;
    }
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", true);
      return;
    }
    if (page != null) {
      respond(ctx, request, HttpResponseStatus.OK, page.body().get(), page.contentType(), true);
    } else if (path.equals("/metrics") && metrics != null) {
      // The exposition already ends in a newline; respond() adds the body's last one.
      respond(ctx, request, HttpResponseStatus.OK, metrics.get().stripTrailing(),
          "text/plain; version=0.0.4; charset=utf-8", true);
    } else if (path.equals("/status")) {
      respond(ctx, request, HttpResponseStatus.OK, status.get(), "application/json", true);
    } else if (path.equals("/healthz") || path.equals("/livez")) {
      respond(ctx, request, HttpResponseStatus.OK, "ok", true);
    } else {
      Readiness now = readiness.get();
      respond(ctx, request,
          now.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, now.text(),
          true);
    }
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String text,
      boolean keepAlive) {
    respond(ctx, request, status, text, "text/plain; charset=utf-8", keepAlive);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String text,
      String contentType,
      boolean keepAlive) {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            request.protocolVersion(),
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    }
    boolean stayOpen = keepAlive && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, stayOpen);
    var written = ctx.writeAndFlush(response);
    if (!stayOpen) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A probe connection that breaks is not worth a log line: the prober retries.
    ctx.close();
  }
}
