package dev.bollard.proxy.handler;

import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * Relays bytes both ways after a {@code 101 Switching Protocols}, with backpressure, until either
 * side closes. It never looks at the routes again, so snapshot swaps do not touch it.
 */
final class WebSocketRelay implements UpstreamListener {

  private final ProxyHandler owner;
  private final ChannelHandlerContext client;
  private final UpstreamConnection upstream;
  private boolean closed;

  WebSocketRelay(ProxyHandler owner, ChannelHandlerContext client, UpstreamConnection upstream) {
    this.owner = owner;
    this.client = client;
    this.upstream = upstream;
  }

  void fromClient(Object msg) {
    if (closed || !(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    upstream.channel().writeAndFlush(msg);
    if (!upstream.channel().isWritable()) {
      owner.updateClientRead();
    }
  }

  boolean wantsClientData() {
    return !closed && upstream.channel().isWritable();
  }

  @Override
  public void onUpstreamRead(Object msg) {
    if (closed || !(msg instanceof ByteBuf)) {
      // The upgrade response's empty end marker, or bytes after close.
      ReferenceCountUtil.release(msg);
      return;
    }
    client.writeAndFlush(msg);
    if (!client.channel().isWritable()) {
      upstream.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void onUpstreamWritabilityChanged() {
    owner.updateClientRead();
  }

  void clientWritabilityChanged() {
    upstream.channel().config().setAutoRead(client.channel().isWritable());
  }

  @Override
  public void onUpstreamClosed(boolean failed) {
    if (!closed) {
      closed = true;
      owner.webSocketClosed();
    }
  }

  void clientClosed() {
    if (!closed) {
      closed = true;
      upstream.discard();
    }
  }
}
