package dev.bollard.bench.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the relay: {@code java -cp bench/target/benchmarks.jar dev.bollard.bench.relay.RelayMain
 * --mode raw|codec --listen 127.0.0.1:8080 --upstream 127.0.0.1:8081 [--transport io_uring|epoll]
 * [--io-threads 1]}. Prints one line when it listens; runs until killed.
 */
public final class RelayMain {

  private RelayMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    // As Bollard's Main: Netty's default leak detector records a stack trace for a sample of
    // buffer allocations, a cost per request Bollard does not pay. Set before Netty reads it.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    String mode = "raw";
    String transport = "io_uring";
    InetSocketAddress listen = null;
    InetSocketAddress upstream = null;
    int threads = 1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (a) {
        case "--mode" -> mode = v;
        case "--transport" -> transport = v;
        case "--listen" -> listen = address(a, v);
        case "--upstream" -> upstream = address(a, v);
        case "--io-threads" -> threads = Integer.parseInt(v);
        default -> throw usage(a + ": unknown option");
      }
      i++;
    }
    if (listen == null || upstream == null) {
      throw usage("--listen and --upstream are required");
    }
    if (!mode.equals("raw") && !mode.equals("codec")) {
      throw usage("--mode: " + mode + " (expected: raw or codec)");
    }
    IoHandlerFactory handlers;
    Class<? extends ServerChannel> serverChannel;
    Class<? extends Channel> socketChannel;
    switch (transport) {
      case "io_uring" -> {
        IoUring.ensureAvailability();
        handlers = IoUringIoHandler.newFactory();
        serverChannel = IoUringServerSocketChannel.class;
        socketChannel = IoUringSocketChannel.class;
      }
      case "epoll" -> {
        Epoll.ensureAvailability();
        handlers = EpollIoHandler.newFactory();
        serverChannel = EpollServerSocketChannel.class;
        socketChannel = EpollSocketChannel.class;
      }
      default -> throw usage("--transport: " + transport + " (expected: io_uring or epoll)");
    }
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(threads, handlers);
    String port = Integer.toString(listen.getPort());
    ChannelInitializer<Channel> init;
    if (mode.equals("raw")) {
      IdlePool<RawUpstream> pool = new IdlePool<>(upstream, socketChannel);
      byte[] fixed = RawClient.ascii("X-Forwarded-Proto: http\r\nX-Forwarded-Port: " + port + "\r\n");
      init = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(new RawClient(pool, fixed));
        }
      };
    } else {
      IdlePool<CodecUpstream> pool = new IdlePool<>(upstream, socketChannel);
      AsciiString forwardedPort = AsciiString.cached(port);
      init = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(new HttpServerCodec(), new CodecClient(pool, forwardedPort));
        }
      };
    }
    try {
      Channel server = new ServerBootstrap()
          .group(loops, loops)
          .channel(serverChannel)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childHandler(init)
          .bind(listen)
          .sync()
          .channel();
      System.out.println("relay " + mode + " on " + transport + " (" + threads + " loop(s)): "
          + listen + " -> " + upstream);
      server.closeFuture().sync();
    } finally {
      loops.shutdownGracefully();
    }
  }

  private static InetSocketAddress address(String option, String v) {
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      throw usage(option + ": " + v + " (expected: host:port)");
    }
    return new InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
  }

  private static IllegalArgumentException usage(String problem) {
    List<String> lines = new ArrayList<>();
    lines.add(problem);
    lines.add("usage: RelayMain --mode raw|codec --listen HOST:PORT --upstream HOST:PORT"
        + " [--transport io_uring|epoll] [--io-threads N]");
    return new IllegalArgumentException(String.join("\n", lines));
  }
}
