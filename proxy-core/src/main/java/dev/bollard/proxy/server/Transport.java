package dev.bollard.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops' I/O: io_uring, epoll or NIO; channel classes match loops.
 *
 * <p>{@code auto} takes io_uring when the kernel offers it (a container's seccomp profile often
 * does not), else epoll, else NIO; a named transport the platform lacks falls back the same way
 * (logged). io_uring batches each loop turn's reads and writes into one system call: on the
 * harness it served 1.2-1.5x the keep-alive requests of epoll at 64 connections for ~40% less CPU
 * per request, and 2-15% fewer on one connection (docs/benchmarks.md, "Performance round 4").
 * Its submission path is Java code that C2 inlines into every root ending in a flush: on one core
 * the JIT needs ~16-24 s of traffic to settle against ~8 s on epoll (same section, "io_uring
 * warm-up and one connection").
 */
record Transport(
    String name,
    IoHandlerFactory ioHandlers,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel) {

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  /** The names {@link #choose} accepts. */
  static final List<String> CHOICES = List.of("auto", "io_uring", "epoll", "nio");

  /** The transport of side listeners (admin, health): epoll where available, else NIO. */
  static Transport detect() {
    return choose("epoll");
  }

  /**
   * The transport named (one of {@link #CHOICES}), or the next one the platform has.
   *
   * @throws IllegalArgumentException for a name not in {@link #CHOICES}
   */
  static Transport choose(String name) {
    if (!CHOICES.contains(name)) {
      throw new IllegalArgumentException("transport: " + name + " (expected one of " + CHOICES + ")");
    }
    boolean wantUring = name.equals("auto") || name.equals("io_uring");
    if (wantUring && IoUring.isAvailable()) {
      return new Transport(
          "io_uring",
          IoUringIoHandler.newFactory(),
          IoUringServerSocketChannel.class,
          IoUringSocketChannel.class,
          IoUringDatagramChannel.class);
    }
    if (name.equals("io_uring")) {
      log.warn("Transport io_uring is not available here ({}); using epoll or NIO",
          String.valueOf(IoUring.unavailabilityCause()));
    }
    if (!name.equals("nio") && Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          EpollDatagramChannel.class);
    }
    return new Transport(
        "nio",
        NioIoHandler.newFactory(),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDatagramChannel.class);
  }

  EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
  }
}
