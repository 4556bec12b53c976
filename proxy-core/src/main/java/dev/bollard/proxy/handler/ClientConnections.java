package dev.bollard.proxy.handler;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open client connections of one server, and the drain switch for graceful shutdown.
 *
 * <p>Once draining, idle keep-alive connections close at once and busy ones close after their
 * current response, which carries {@code Connection: close}.
 *
 * <p>Each connection's request handler joins when it is added to the pipeline and leaves when the
 * connection goes inactive. The handlers of one event loop sit in one array of that loop, each
 * knowing its slot: a connection costs its slot (4 bytes), not a hash-set entry (32 bytes and
 * more), and joining or leaving is confined to the loop, with no shared structure to update but
 * the count.
 */
public final class ClientConnections {

  /** The user event that tells a connection's handler to close when idle. */
  static final Object DRAIN = new Object() {
    @Override
    public String toString() {
      return "DRAIN";
    }
  };

  /**
   * One open connection as the registry sees it: an HTTP/1.1 connection's request handler, or an
   * HTTP/2 connection ({@link Http2Connection}), whose streams are not members of their own.
   * Confined to the connection's event loop.
   */
  interface Member {
    /** Graceful shutdown began: close now if idle, else after the current work. */
    void drain();

    /** Close now, busy or not. */
    void closeNow();

    /** Its slot among its event loop's members, or -1 when not a member. */
    int slot();

    void slot(int value);
  }

  private final Runnable closed;
  private final AtomicInteger open = new AtomicInteger();
  private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
  /** The members of each event loop that has had one; a loop's members only change on it. */
  private final Set<Members> loops = ConcurrentHashMap.newKeySet();
  private final FastThreadLocal<Members> ofLoop = new FastThreadLocal<>();
  private volatile boolean draining;

  /** Tracks connections, with nothing else to do when one closes. */
  public ClientConnections() {
    this(() -> { });
  }

  /**
   * Tracks connections and runs {@code closed} when one closes (say, counting it in the metrics
   * as {@link RequestTelemetry#connectionClosed} does).
   */
  public ClientConnections(Runnable closed) {
    this.closed = closed;
  }

  /** A connection's handler joined its pipeline; called on the connection's event loop. */
  void add(Member member, Channel channel) {
    Members members = ofLoop.get();
    if (members == null || members.loop != channel.eventLoop()) {
      members = new Members(channel.eventLoop());
      ofLoop.set(members);
      loops.add(members);
    }
    members.add(member);
    open.incrementAndGet();
    if (draining) {
      channel.close();
    }
  }

  /**
   * The connection of a handler that joined went inactive (or its handler left); called on its
   * event loop. Does nothing the second time.
   */
  void remove(Member member) {
    Members members = ofLoop.get();
    if (member.slot() < 0 || members == null) {
      return;
    }
    members.remove(member);
    closed.run();
    if (open.decrementAndGet() == 0 && draining) {
      allClosed.complete(null);
    }
  }

  /** Number of open client connections. */
  public int size() {
    return open.get();
  }

  /** Whether a graceful shutdown has begun. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Starts draining: idle connections close now, busy ones after their response.
   *
   * @return completes when every connection has closed
   */
  public CompletableFuture<Void> drain() {
    draining = true;
    for (Members members : loops) {
      members.loop.execute(() -> {
        for (Member member : members.snapshot()) {
          member.drain();
        }
      });
    }
    if (open.get() == 0) {
      allClosed.complete(null);
    }
    return allClosed;
  }

  /** Closes every connection now, busy or not. */
  public void closeAll() {
    for (Members members : loops) {
      members.loop.execute(() -> {
        for (Member member : members.snapshot()) {
          member.closeNow();
        }
      });
    }
  }

  /** The handlers of one event loop: a dense array, each handler knowing its slot. */
  static final class Members {
    final EventExecutor loop;
    private Member[] slots = new Member[16];
    private int count;

    Members(EventExecutor loop) {
      this.loop = loop;
    }

    void add(Member member) {
      if (count == slots.length) {
        slots = Arrays.copyOf(slots, count * 2);
      }
      member.slot(count);
      slots[count++] = member;
    }

    void remove(Member member) {
      int slot = member.slot();
      Member last = slots[--count];
      slots[slot] = last;
      last.slot(slot);
      slots[count] = null;
      member.slot(-1);
      if (count < slots.length / 4 && slots.length > 16) {
        slots = Arrays.copyOf(slots, slots.length / 2);
      }
    }

    /** A copy: draining or closing a member removes it while the loop goes on. */
    Member[] snapshot() {
      return Arrays.copyOf(slots, count);
    }
  }
}
