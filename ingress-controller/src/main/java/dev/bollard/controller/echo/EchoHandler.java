package dev.bollard.controller.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Collects one request (head, body size, a small body prefix) and answers with its dump. */
final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {

  /** Bodies up to this size are echoed back; larger ones only counted. */
  static final int MAX_ECHOED_BODY = 1024;

  private final String name;
  private @Nullable HttpRequest request;
  private long bodyBytes;
  private final ByteArrayOutputStream bodyPrefix = new ByteArrayOutputStream();

  EchoHandler(String name) {
    this.name = name;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (msg instanceof HttpRequest head) {
      request = head;
      bodyBytes = 0;
      bodyPrefix.reset();
    }
    if (msg instanceof HttpContent content && request != null) {
      ByteBuf data = content.content();
      int n = data.readableBytes();
      bodyBytes += n;
      int room = MAX_ECHOED_BODY + 1 - bodyPrefix.size();
      if (room > 0) {
        byte[] chunk = new byte[Math.min(room, n)];
        data.getBytes(data.readerIndex(), chunk);
        bodyPrefix.writeBytes(chunk);
      }
      if (msg instanceof LastHttpContent) {
        respond(ctx, request);
        request = null;
      }
    }
  }

  private void respond(ChannelHandlerContext ctx, HttpRequest head) {
    if (!head.decoderResult().isSuccess()) {
      FullHttpResponse bad =
          new DefaultFullHttpResponse(
              head.protocolVersion(),
              HttpResponseStatus.BAD_REQUEST,
              Unpooled.copiedBuffer("bad request\n", StandardCharsets.UTF_8));
      bad.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bad.content().readableBytes());
      ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    byte[] body = dump(ctx, head).getBytes(StandardCharsets.UTF_8);
    // HEAD gets the headers of the GET answer and no body, or keep-alive framing breaks.
    boolean isHead = head.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            head.protocolVersion(),
            HttpResponseStatus.OK,
            isHead ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set("X-Echo-Server", name)
        // What an instrumented app reports for the access log to capture.
        .set("X-Log-User-Id", "42")
        .set("X-Log-Account", "acme")
        .set("X-Log-Db-Ms", "3.1");
    boolean keepAlive = HttpUtil.isKeepAlive(head);
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private String dump(ChannelHandlerContext ctx, HttpRequest head) {
    StringBuilder json = new StringBuilder(512);
    json.append("{\n");
    field(json, "server", name).append(",\n");
    field(json, "method", head.method().name()).append(",\n");
    field(json, "uri", head.uri()).append(",\n");
    field(json, "version", head.protocolVersion().text()).append(",\n");
    field(json, "remoteAddress", peer(ctx)).append(",\n");
    json.append("  \"headers\": {");
    boolean first = true;
    for (Map.Entry<String, String> header : head.headers()) {
      json.append(first ? "\n" : ",\n").append("  ");
      field(json, header.getKey(), header.getValue());
      first = false;
    }
    json.append(first ? "},\n" : "\n  },\n");
    json.append("  \"bodyBytes\": ").append(bodyBytes);
    if (bodyBytes > 0 && bodyBytes <= MAX_ECHOED_BODY) {
      json.append(",\n");
      field(json, "body", new String(bodyPrefix.toByteArray(), StandardCharsets.UTF_8));
    }
    return json.append("\n}\n").toString();
  }

  private static String peer(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address
        ? address.getHostString() + ":" + address.getPort()
        : String.valueOf(ctx.channel().remoteAddress());
  }

  private static StringBuilder field(StringBuilder json, String key, String value) {
    json.append("  ");
    quote(json, key).append(": ");
    return quote(json, value);
  }

  private static StringBuilder quote(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that goes away mid-request is normal for a demo backend.
    ctx.close();
  }
}
