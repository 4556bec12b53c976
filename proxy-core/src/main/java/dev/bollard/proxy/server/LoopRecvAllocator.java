package dev.bollard.proxy.server;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Read-buffer sizing of client connections: Netty's adaptive allocator with one sizing handle per
 * event loop instead of one per connection.
 *
 * <p>A handle is the state of one read loop (bytes and messages read so far) plus the adaptive
 * size guess, about 110 bytes with its calculator. Netty keeps one per channel for the channel's
 * life, so every idle keep-alive connection carries one. The state of a read loop only lives
 * during that loop, and an event loop runs one channel's read loop at a time, so the connections
 * of a loop can share a handle; the size guess then follows the loop's recent reads instead of
 * the connection's (client reads are request heads and bodies, sized alike across connections).
 * The transport still wraps it in a small per-channel handle of its own.
 *
 * <p>A handle asked for on a thread that is not an event loop's is a fresh one, never shared.
 */
final class LoopRecvAllocator implements RecvByteBufAllocator {

  /** Netty's default for a stream channel (what the adaptive allocator gets without this one). */
  private static final int MAX_MESSAGES_PER_READ = 16;

  private final AdaptiveRecvByteBufAllocator adaptive = new AdaptiveRecvByteBufAllocator();

  private final FastThreadLocal<Handle> ofLoop = new FastThreadLocal<>() {
    @Override
    protected Handle initialValue() {
      return adaptive.newHandle();
    }
  };

  LoopRecvAllocator() {
    adaptive.maxMessagesPerRead(MAX_MESSAGES_PER_READ);
  }

  @Override
  public Handle newHandle() {
    // Channels ask on their event loop, the first time they read (and the config once, to check
    // the handle's type).
    return Thread.currentThread() instanceof FastThreadLocalThread
        ? ofLoop.get()
        : adaptive.newHandle();
  }
}
