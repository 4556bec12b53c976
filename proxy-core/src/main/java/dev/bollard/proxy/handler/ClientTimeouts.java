package dev.bollard.proxy.handler;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Client-side timers of one connection. Not a pipeline step of its own: the raw-byte scanner of
 * the {@link RequestValidator} (just before the HTTP codec, after TLS and the PROXY protocol
 * header) drives it, so it sees the request bytes arrive, and the proxy handler tells it when a
 * request starts and ends.
 *
 * <ul>
 *   <li>Idle (new connection, or between keep-alive requests): no bytes for the idle timeout
 *       closes the connection silently. A new connection gets the header timeout, a kept-alive one
 *       the keep-alive timeout. A TLS handshake or a PROXY protocol header that does not finish
 *       in time counts as idle.
 *   <li>Reading a head (bytes arrived, no complete request head yet): the header timeout answers
 *       408 and closes. The answer is written from the scanner's place in the pipeline, so on an
 *       HTTPS listener it goes through TLS like every other response.
 *   <li>Busy (a request is being served): no timer; upstream timeouts apply.
 * </ul>
 *
 * <p>One deadline per connection, kept as a {@code long}: state changes only move it. No timer
 * per connection: the connections of an event loop whose deadline runs are linked in one list
 * (through fields of this object, no list nodes), which one task per event loop sweeps every
 * tick ({@link Sweep}). An idle connection so costs two references on the heap instead of a
 * scheduled task, and a request costs no work on the loop's timer queue. A timeout fires up to
 * one tick late: 100 ms, or a quarter of the shortest timeout in use on the loop if that is less.
 *
 * <p>Confined to the connection's event loop.
 */
public final class ClientTimeouts {

  private static final byte IDLE = 0;
  private static final byte READING_HEAD = 1;
  private static final byte BUSY = 2;

  /** Shared by the connections accepted under the same settings: not two longs per connection. */
  private final Limits limits;
  private byte state = IDLE;
  private boolean keptAlive;
  /** When the current state times out ({@link System#nanoTime()}); unused while busy. */
  private long deadline;
  /**
   * Where raw bytes arrive and the 408 is written from; {@code null} when not attached. While
   * attached, the sweep is that of its event loop, found again when needed (not kept per
   * connection).
   */
  private @Nullable ChannelHandlerContext ctx;
  // Links in the sweep's list; linked while a deadline runs (idle or reading a head).
  private boolean linked;
  private @Nullable ClientTimeouts previous;
  private @Nullable ClientTimeouts next;

  /**
   * @param headerTimeout time allowed for a complete request head (408 after it)
   * @param keepAliveTimeout time an idle kept-alive connection stays open
   */
  public ClientTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
    this(new Limits(headerTimeout, keepAliveTimeout));
  }

  /** Timers with {@code limits}, which connections accepted under the same settings share. */
  public ClientTimeouts(Limits limits) {
    this.limits = limits;
  }

  /**
   * The two client timeouts of a listener's settings; one instance serves every connection
   * accepted while those settings are active.
   */
  public static final class Limits {
    private final long headerNanos;
    private final long keepAliveNanos;

    /**
     * @param headerTimeout time allowed for a complete request head (408 after it)
     * @param keepAliveTimeout time an idle kept-alive connection stays open
     */
    public Limits(Duration headerTimeout, Duration keepAliveTimeout) {
      this.headerNanos = headerTimeout.toNanos();
      this.keepAliveNanos = keepAliveTimeout.toNanos();
    }

    /** Whether these are the limits {@code headerTimeout} and {@code keepAliveTimeout} make. */
    public boolean matches(Duration headerTimeout, Duration keepAliveTimeout) {
      return headerNanos == headerTimeout.toNanos() && keepAliveNanos == keepAliveTimeout.toNanos();
    }
  }

  /** The step that drives these timers joined the pipeline at {@code ctx} (on its event loop). */
  void attach(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      arm(idleNanos());
    }
  }

  /**
   * The sweep of the attached step's event loop, or {@code null} when not attached (or, never
   * expected, when called off the loop: a connection left linked is unlinked by the sweep).
   */
  private @Nullable Sweep sweep() {
    ChannelHandlerContext c = ctx;
    return c == null || !c.executor().inEventLoop() ? null : Sweep.of(c.executor());
  }

  /** The connection became active (after {@link #attach}). */
  void active() {
    arm(idleNanos());
  }

  /** The step left the pipeline, or the connection closed: no timer runs any more. */
  void detach() {
    if (linked) {
      Sweep s = sweep();
      if (s != null) {
        s.remove(this);
      }
    }
    ctx = null;
  }

  /** Raw bytes of the connection arrived. */
  void bytesArrived() {
    if (state == IDLE) {
      // Still linked: the sweep now checks the header deadline instead of the idle one.
      state = READING_HEAD;
      deadline = System.nanoTime() + limits.headerNanos;
    }
  }

  /** A complete request head was decoded: the request is now served, no client timer runs. */
  void headReceived() {
    state = BUSY;
    if (linked) {
      Sweep s = sweep();
      if (s != null) {
        s.remove(this);
      }
    }
  }

  /** The response was sent and the connection is kept alive: wait for the next request. */
  void idle() {
    state = IDLE;
    keptAlive = true;
    arm(limits.keepAliveNanos);
  }

  private long idleNanos() {
    return keptAlive ? limits.keepAliveNanos : limits.headerNanos;
  }

  private void arm(long nanos) {
    deadline = System.nanoTime() + nanos;
    Sweep s = sweep();
    if (s != null) {
      s.add(this, Math.min(nanos, limits.headerNanos));
    }
  }

  /** Called by its sweep {@code s} while linked: acts if the deadline has passed. */
  private void check(Sweep s, long now) {
    ChannelHandlerContext c = ctx;
    if (c != null && state != BUSY && deadline - now > 0) {
      return;
    }
    // Due, or no longer timed (detached, or busy) without having been unlinked: unlink.
    s.remove(this);
    if (c == null || state == BUSY || !c.channel().isActive()) {
      return;
    }
    if (state == READING_HEAD) {
      // Written as bytes from before the codec (the codec is mid-request and cannot encode), but
      // after TLS: an HTTPS client gets it encrypted.
      String body = "408 Request Timeout: request head not received in time\n";
      String response =
          "HTTP/1.1 408 Request Timeout\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: " + body.length() + "\r\n"
              + "Connection: close\r\n\r\n"
              + body;
      c.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      c.close();
    }
  }

  /**
   * The connections of one event loop whose client deadline runs, and the one task that checks
   * them every tick while there are any. Touched only on its event loop.
   */
  static final class Sweep implements Runnable {

    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final FastThreadLocal<Sweep> OF_THREAD = new FastThreadLocal<>();

    private final EventExecutor loop;
    private @Nullable ClientTimeouts head;
    private long tickNanos = MAX_TICK_NANOS;
    private boolean scheduled;

    private Sweep(EventExecutor loop) {
      this.loop = loop;
    }

    /** The sweep of {@code loop}; called on it. */
    static Sweep of(EventExecutor loop) {
      Sweep s = OF_THREAD.get();
      if (s == null || s.loop != loop) {
        s = new Sweep(loop);
        OF_THREAD.set(s);
      }
      return s;
    }

    /** Links {@code t} (if it is not yet); its timeouts are at least {@code shortestNanos}. */
    void add(ClientTimeouts t, long shortestNanos) {
      // A quarter of the shortest timeout: a timeout fires at most 25% late.
      long tick = Math.max(MIN_TICK_NANOS, shortestNanos / 4);
      if (tick < tickNanos) {
        tickNanos = tick;
      }
      if (!t.linked) {
        t.linked = true;
        t.previous = null;
        t.next = head;
        if (head != null) {
          head.previous = t;
        }
        head = t;
      }
      if (!scheduled) {
        scheduled = true;
        loop.schedule(this, tickNanos, TimeUnit.NANOSECONDS);
      }
    }

    void remove(ClientTimeouts t) {
      if (!t.linked) {
        return;
      }
      t.linked = false;
      ClientTimeouts before = t.previous;
      ClientTimeouts after = t.next;
      if (before != null) {
        before.next = after;
      } else {
        head = after;
      }
      if (after != null) {
        after.previous = before;
      }
      t.previous = null;
      t.next = null;
    }

    @Override
    public void run() {
      scheduled = false;
      long now = System.nanoTime();
      ClientTimeouts t = head;
      while (t != null) {
        ClientTimeouts following = t.next; // t may unlink itself
        t.check(this, now);
        t = following;
      }
      if (head != null && !scheduled) {
        scheduled = true;
        loop.schedule(this, tickNanos, TimeUnit.NANOSECONDS);
      }
    }
  }
}
