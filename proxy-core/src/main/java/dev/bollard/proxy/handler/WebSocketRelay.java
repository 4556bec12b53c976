package dev.bollard.proxy.handler;

import dev.bollard.proxy.accesslog.RequestFacts;
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
  /** The upgrade request's log facts: relayed bytes count toward its line, written on close. */
  private final RequestFacts facts;
  private boolean closed;

  WebSocketRelay(ProxyHandler owner, ChannelHandlerContext client, UpstreamConnection upstream,
      RequestFacts facts) {
    this.owner = owner;
    this.client = client;
    this.upstream = upstream;
    this.facts = facts;
  }

  void fromClient(Object msg) {
    if (closed || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    facts.bytesIn(bytes.readableBytes());
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
    if (closed || !(msg instanceof ByteBuf bytes)) {
      // The upgrade response's empty end marker, or bytes after close.
      ReferenceCountUtil.release(msg);
      return;
    }
    facts.bytesOut(bytes.readableBytes());
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
