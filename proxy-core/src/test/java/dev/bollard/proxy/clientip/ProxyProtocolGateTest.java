package dev.bollard.proxy.clientip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback; the gate's trust list decides whether 127.0.0.1 is a load balancer. */
class ProxyProtocolGateTest {

  static final byte[] V2_HEADER = v2Header();

  private EventLoopGroup group;
  private Channel server;

  /** A v2 PROXY header for TCP4 192.0.2.10:51000 -> 192.0.2.1:443. */
  static byte[] v2Header() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.writeByte(0x21); // version 2, PROXY
    b.writeByte(0x11); // TCP over IPv4
    b.writeShort(12);
    b.writeBytes(new byte[] {(byte) 192, 0, 2, 10});
    b.writeBytes(new byte[] {(byte) 192, 0, 2, 1});
    b.writeShort(51000);
    b.writeShort(443);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  private int start(String trusted) throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("proxy-protocol",
                new ProxyProtocolGate(CidrSet.parse(List.of(trusted))));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf in = (ByteBuf) msg;
                String text = in.toString(StandardCharsets.US_ASCII);
                in.release();
                InetSocketAddress src = ProxyProtocolGate.source(ctx.channel());
                ctx.writeAndFlush(Unpooled.copiedBuffer(
                    src.getAddress().getHostAddress() + " " + text, StandardCharsets.US_ASCII))
                    .addListener(f -> ctx.close());
              }
            });
          }
        }).bind("127.0.0.1", 0).sync().channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static String exchange(int port, byte[] header, String payload) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(header);
      s.getOutputStream().write(payload.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.US_ASCII);
    }
  }

  @Test
  void v1FromATrustedPeerSetsTheSource() throws Exception {
    int port = start("127.0.0.0/8");
    String answer = exchange(port,
        "PROXY TCP4 198.51.100.22 192.0.2.1 40000 80\r\n".getBytes(StandardCharsets.US_ASCII),
        "hello");
    assertThat(answer).isEqualTo("198.51.100.22 hello");
  }

  @Test
  void v2FromATrustedPeerSetsTheSource() throws Exception {
    int port = start("127.0.0.0/8");
    assertThat(exchange(port, V2_HEADER, "hello")).isEqualTo("192.0.2.10 hello");
  }

  @Test
  void noHeaderIsADirectConnection() throws Exception {
    int port = start("127.0.0.0/8");
    assertThat(exchange(port, new byte[0], "GET / HTTP/1.1\r\n")).isEqualTo(
        "127.0.0.1 GET / HTTP/1.1\r\n");
  }

  @Test
  void aHeaderFromAnUntrustedPeerIsRefused() throws Exception {
    int port = start("10.0.0.0/8");
    assertThat(exchange(port,
        "PROXY TCP4 198.51.100.22 192.0.2.1 40000 80\r\n".getBytes(StandardCharsets.US_ASCII),
        "hello")).isEmpty();
    assertThat(exchange(port, V2_HEADER, "hello")).isEmpty();
    // Without a header the untrusted peer is served as itself.
    assertThat(exchange(port, new byte[0], "plain")).isEqualTo("127.0.0.1 plain");
  }
}
