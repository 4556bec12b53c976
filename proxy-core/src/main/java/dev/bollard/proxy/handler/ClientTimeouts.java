package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
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
 *   <li>Reading a body (a head with a body was accepted, its last byte not yet read): no bytes
 *       for the body timeout ({@code client-body-timeout}, nginx's time between two successive
 *       reads) fires {@link #BODY_TIMED_OUT} toward the proxy handler, which answers 408 if it can
 *       and closes. Time during which the proxy itself does not read (reading paused for
 *       backpressure, a step working, an upstream being connected) does not count.
 *   <li>Busy (a request is being served): no timer; upstream timeouts apply.
 * </ul>
 *
 * <p>Apart from these, in any state: once the connection turns unwritable (a response the client
 * does not read fills the outbound buffer), no progress in writing it for the send timeout (nginx's
 * {@code send_timeout}) fires {@link #SEND_TIMED_OUT} and closes the connection. Progress is the
 * outbound buffer shrinking, checked by the sweep.
 *
 * <p>One deadline per connection (and the send deadline), kept as {@code long}s: state changes
 * and reads only move them. No timer per connection: the connections of an event loop whose
 * deadline runs are linked in one list (through fields of this object, no list nodes), which one
 * task per event loop sweeps every tick ({@link Sweep}). An idle connection so costs two references on the heap instead of a
 * scheduled task, and a request costs no work on the loop's timer queue. A timeout fires up to
 * one tick late: 100 ms, or a quarter of the shortest timeout in use on the loop if that is less.
 *
 * <p>Confined to the connection's event loop.
 */
public final class ClientTimeouts {

  private static final byte IDLE = 0;
  private static final byte READING_HEAD = 1;
  private static final byte BUSY = 2;
  private static final byte READING_BODY = 3;

  /**
   * User event fired toward the proxy handler when a request body stalled for longer than the
   * body timeout; the proxy handler answers (408) or aborts, and closes.
   */
  static final Object BODY_TIMED_OUT = new Object() {
    @Override
    public String toString() {
      return "BODY_TIMED_OUT";
    }
  };

  /**
   * User event fired toward the proxy handler when nothing of a response could be written to the
   * client for the send timeout; the connection is closed right after.
   */
  static final Object SEND_TIMED_OUT = new Object() {
    @Override
    public String toString() {
      return "SEND_TIMED_OUT";
    }
  };

  /** Shared by the connections accepted under the same settings: not two longs per connection. */
  private final Limits limits;
  private byte state = IDLE;
  private boolean keptAlive;
  /** When the current state times out ({@link System#nanoTime()}); unused while busy. */
  private long deadline;
  /** Whether the connection is unwritable and the send timeout runs. */
  private boolean sendTimed;
  /** When the send timeout fires unless writing progresses. */
  private long sendDeadline;
  /** Bytes to write before the connection turns writable again, when last checked. */
  private long unsent;
  /**
   * Where raw bytes arrive and the 408 is written from; {@code null} when not attached. While
   * attached, the sweep is that of its event loop, found again when needed (not kept per
   * connection).
   */
  private @Nullable ChannelHandlerContext ctx;
  // Links in the sweep's list; linked while a deadline runs (not busy, or the send timeout).
  private boolean linked;
  private @Nullable ClientTimeouts previous;
  private @Nullable ClientTimeouts next;

  /** Timers with {@code limits}, which connections accepted under the same settings share. */
  public ClientTimeouts(Limits limits) {
    this.limits = limits;
  }

  /**
   * The client timeouts of a listener's settings (header, keep-alive, body, send); one instance
   * serves every connection accepted while those settings are active.
   */
  public static final class Limits {
    private final long headerNanos;
    private final long keepAliveNanos;
    private final long bodyNanos;
    private final long sendNanos;
    /** The shortest of them: the sweep's tick is a quarter of it at most. */
    private final long shortestNanos;

    /** The client timeouts of {@code timeouts}. */
    public Limits(Timeouts timeouts) {
      this.headerNanos = timeouts.clientHeader().toNanos();
      this.keepAliveNanos = timeouts.keepAlive().toNanos();
      this.bodyNanos = timeouts.clientBody().toNanos();
      this.sendNanos = timeouts.clientSend().toNanos();
      this.shortestNanos =
          Math.min(Math.min(headerNanos, keepAliveNanos), Math.min(bodyNanos, sendNanos));
    }

    /** Whether these are the limits {@code timeouts} make. */
    public boolean matches(Timeouts timeouts) {
      return headerNanos == timeouts.clientHeader().toNanos()
          && keepAliveNanos == timeouts.keepAlive().toNanos()
          && bodyNanos == timeouts.clientBody().toNanos()
          && sendNanos == timeouts.clientSend().toNanos();
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
    if (state == READING_BODY) {
      deadline = System.nanoTime() + limits.bodyNanos;
    } else if (state == IDLE) {
      // Still linked: the sweep now checks the header deadline instead of the idle one.
      state = READING_HEAD;
      deadline = System.nanoTime() + limits.headerNanos;
    }
  }

  /**
   * A complete request head was decoded: the request is now served; no client timer runs but the
   * body timeout, if its body is still due.
   */
  void headReceived() {
    if (state != READING_BODY) {
      state = BUSY;
      unlinkIfUntimed();
    }
  }

  /** The request head just accepted has a body: the body timeout runs until its last byte. */
  void bodyExpected() {
    state = READING_BODY;
    arm(limits.bodyNanos);
  }

  /** The last byte of the request body arrived. */
  void bodyEnded() {
    if (state == READING_BODY) {
      state = BUSY;
      unlinkIfUntimed();
    }
  }

  /**
   * The connection's writability changed: while it is unwritable the send timeout runs, and the
   * sweep checks that the outbound buffer shrinks.
   */
  void writabilityChanged(Channel channel) {
    if (channel.isWritable()) {
      if (sendTimed) {
        sendTimed = false;
        unlinkIfUntimed();
      }
    } else if (!sendTimed) {
      sendTimed = true;
      unsent = channel.bytesBeforeWritable();
      sendDeadline = System.nanoTime() + limits.sendNanos;
      Sweep s = sweep();
      if (s != null) {
        s.add(this, limits.shortestNanos);
      }
    }
  }

  private void unlinkIfUntimed() {
    if (linked && state == BUSY && !sendTimed) {
      Sweep s = sweep();
      if (s != null) {
        s.remove(this);
      }
    }
  }

  /** The response was sent and the connection is kept alive: wait for the next request. */
  void idle() {
    keptAlive = true;
    if (state == READING_BODY) {
      // A pipelined request's body is arriving already: its timer goes on.
      return;
    }
    state = IDLE;
    arm(limits.keepAliveNanos);
  }

  private long idleNanos() {
    return keptAlive ? limits.keepAliveNanos : limits.headerNanos;
  }

  private void arm(long nanos) {
    deadline = System.nanoTime() + nanos;
    Sweep s = sweep();
    if (s != null) {
      s.add(this, limits.shortestNanos);
    }
  }

  /** Called by its sweep {@code s} while linked: acts if the deadline has passed. */
  private void check(Sweep s, long now) {
    ChannelHandlerContext c = ctx;
    if (c == null || !c.channel().isActive()) {
      s.remove(this);
      return;
    }
    if (sendTimed && sendDue(c.channel(), now)) {
      s.remove(this);
      sendTimed = false;
      state = BUSY;
      c.fireUserEventTriggered(SEND_TIMED_OUT);
      c.channel().close();
      return;
    }
    if (state == READING_BODY && !c.channel().config().isAutoRead()) {
      // The proxy is not reading (backpressure, a step at work, an upstream connecting): the
      // client is not the one that is slow.
      deadline = now + limits.bodyNanos;
    }
    if (state == BUSY) {
      if (!sendTimed) {
        // No longer timed without having been unlinked: unlink.
        s.remove(this);
      }
      return;
    }
    if (deadline - now > 0) {
      return;
    }
    // Due: acts once (the send timeout may still run while the connection closes).
    byte due = state;
    state = BUSY;
    if (!sendTimed) {
      s.remove(this);
    }
    if (due == READING_BODY) {
      c.fireUserEventTriggered(BODY_TIMED_OUT);
    } else if (due == READING_HEAD) {
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

  /** Whether the send timeout has passed without the outbound buffer shrinking. */
  private boolean sendDue(Channel channel, long now) {
    long left = channel.bytesBeforeWritable();
    if (left < unsent) {
      unsent = left;
      sendDeadline = now + limits.sendNanos;
    }
    return sendDeadline - now <= 0;
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
