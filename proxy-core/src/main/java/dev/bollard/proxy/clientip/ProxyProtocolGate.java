package dev.bollard.proxy.clientip;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of a client pipeline when the PROXY protocol is on: looks at the first bytes of
 * the connection and
 *
 * <ul>
 *   <li>a PROXY header (v1 text or v2 binary) from a trusted peer: decoded with Netty's {@link
 *       HAProxyMessageDecoder}; its source address becomes the connection's client address ({@link
 *       #source}). A v2 {@code LOCAL} header (load-balancer health checks) keeps the peer's own.
 *   <li>a PROXY header from any other peer: the connection is closed without an answer (a client
 *       must not choose its own address).
 *   <li>no header: served as a direct connection from the peer. Unlike nginx (which refuses such
 *       connections), this lets a load balancer's plain TCP or HTTP health checks through; it
 *       grants nothing, since the peer's own address is what gets used.
 * </ul>
 *
 * <p>Then it leaves the pipeline; later bytes go straight to the HTTP codec.
 */
public final class ProxyProtocolGate extends ByteToMessageDecoder {

  /** Where the client address from a PROXY header is kept. */
  private static final AttributeKey<InetSocketAddress> SOURCE =
      AttributeKey.valueOf("bollard.proxyProtocolSource");

  private static final Logger log = LoggerFactory.getLogger(ProxyProtocolGate.class);

  private static final byte[] V1 = {'P', 'R', 'O', 'X', 'Y', ' '};
  private static final byte[] V2 = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private final CidrSet trusted;

  /**
   * @param trusted peers allowed to send a PROXY header (load balancers)
   */
  public ProxyProtocolGate(CidrSet trusted) {
    this.trusted = trusted;
  }

  /**
   * The address the client connected from: the PROXY header's source when a trusted peer sent one,
   * else the socket's peer.
   */
  public static InetSocketAddress source(Channel channel) {
    // hasAttr first: attr(key) would create the attribute, an object on every connection that
    // never had a PROXY header (most of them).
    InetSocketAddress fromHeader = channel.hasAttr(SOURCE) ? channel.attr(SOURCE).get() : null;
    return fromHeader != null ? fromHeader : (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int v1 = matches(in, V1);
    int v2 = matches(in, V2);
    if (v1 < 0 && v2 < 0) {
      ctx.pipeline().remove(this);
      return;
    }
    if (v1 == 0 || v2 == 0) {
      return;
    }
    InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
    if (peer == null || !trusted.contains(peer.getAddress())) {
      log.info("Refused a PROXY protocol header from untrusted peer {} (not in proxy-real-ip-cidr)",
          peer);
      in.skipBytes(in.readableBytes());
      ctx.close();
      return;
    }
    String name = ctx.name();
    ctx.pipeline().addAfter(name, "proxy-protocol-source", new SourceCapture());
    ctx.pipeline().addAfter(name, "proxy-protocol-decode", new HAProxyMessageDecoder());
    ctx.pipeline().remove(this);
  }

  /** 1 if the buffer starts with the signature, 0 if it may (too few bytes), -1 if it does not. */
  private static int matches(ByteBuf in, byte[] signature) {
    int n = Math.min(in.readableBytes(), signature.length);
    int base = in.readerIndex();
    for (int i = 0; i < n; i++) {
      if (in.getByte(base + i) != signature[i]) {
        return -1;
      }
    }
    return n == signature.length ? 1 : 0;
  }

  /** Takes the decoded header off the pipeline and remembers its source address. */
  private static final class SourceCapture extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HAProxyMessage header)) {
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        InetSocketAddress source = sourceOf(header);
        if (source != null) {
          ctx.channel().attr(SOURCE).set(source);
        }
      } finally {
        ReferenceCountUtil.release(header);
        ctx.pipeline().remove(this);
      }
    }

    private static @Nullable InetSocketAddress sourceOf(HAProxyMessage header) {
      if (header.command() != HAProxyCommand.PROXY
          || header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN
          || header.sourceAddress() == null) {
        return null;
      }
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
      if (bytes == null) {
        return null;
      }
      try {
        return new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort());
      } catch (UnknownHostException e) {
        return null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.info("Invalid PROXY protocol header from {}: {}; closing", ctx.channel().remoteAddress(),
          cause.getMessage());
      ctx.close();
    }
  }
}
