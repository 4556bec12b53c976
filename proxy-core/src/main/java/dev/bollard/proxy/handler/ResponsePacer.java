package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.ResponseRate;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One response body paced to the client at a route's {@link ResponseRate} ({@code limit-rate},
 * {@code limit-rate-after}), on the client's event loop: no thread ever sleeps.
 *
 * <p>nginx's arithmetic ({@code ngx_http_write_filter}): at {@code t} seconds after the response
 * started, at most {@code after + rate * (t + 1)} body bytes have gone out, so the first second's
 * worth (and {@code limit-rate-after}) leaves at once, and a body of {@code n} bytes takes at least
 * {@code (n - after) / rate - 1} seconds. A part the budget does not cover waits in this pacer
 * (split when the budget covers some of it, in pieces of at least {@link #quantum}, so a slow rate
 * does not mean a write per byte) and a timer on the event loop writes it when the budget has
 * grown. While parts wait, the exchange keeps the upstream's {@code autoRead} off, so what waits is
 * at most what the upstream channel had decoded from one read: memory stays bounded whatever the
 * body's size. Nothing is written while the client channel is unwritable; {@link #resume} goes on.
 */
final class ResponsePacer {

  /** Where paced parts go, and what to tell when nothing waits any more. */
  interface Writer {
    /** Writes {@code part} to the client now (the last part ends the response). */
    void write(HttpContent part);

    /** The pacer holds nothing any more after a timer wrote what waited: reading may go on. */
    void drained();
  }

  private static final int MAX_QUANTUM = 16 * 1024;
  private static final double NANOS_PER_SECOND = 1e9;

  private final long rate;
  private final long after;
  private final int quantum;
  private final Channel client;
  private final Writer writer;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>(2);
  private long sent;
  private @Nullable ScheduledFuture<?> timer;
  private boolean closed;

  ResponsePacer(ResponseRate rate, Channel client, Writer writer) {
    this(rate, client, writer, System::nanoTime);
  }

  ResponsePacer(ResponseRate rate, Channel client, Writer writer, LongSupplier nanoTime) {
    if (!rate.limits()) {
      throw new IllegalArgumentException("no rate to pace by: " + rate);
    }
    this.rate = rate.bytesPerSecond();
    this.after = rate.afterBytes();
    // About eight writes a second at most, never pieces of less than one byte.
    this.quantum = (int) Math.max(1, Math.min(MAX_QUANTUM, this.rate / 8));
    this.client = client;
    this.writer = writer;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
  }

  /**
   * Takes the next part of the body and writes what the budget allows now; returns whether parts
   * wait (then the caller stops reading from the upstream until {@link Writer#drained}).
   */
  boolean offer(HttpContent part) {
    if (closed) {
      part.release();
      return false;
    }
    waiting.add(part);
    if (timer == null) {
      drain();
    }
    return !waiting.isEmpty();
  }

  /** Whether parts wait for the budget or for the client. */
  boolean holding() {
    return !waiting.isEmpty();
  }

  /** The client channel became writable again: writes what the budget allows. */
  void resume() {
    if (closed || timer != null || waiting.isEmpty()) {
      return;
    }
    drain();
    if (waiting.isEmpty() && !closed) {
      writer.drained();
    }
  }

  /** The response is over (ended, aborted): drops what waits and the timer. */
  void close() {
    closed = true;
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
    while (!waiting.isEmpty()) {
      waiting.poll().release();
    }
  }

  /** The body bytes the budget allows at {@code now} beyond those sent. */
  long allowance(long now) {
    double seconds = (now - startNanos) / NANOS_PER_SECOND + 1;
    return after + (long) (rate * seconds) - sent;
  }

  private void drain() {
    while (!closed && !waiting.isEmpty()) {
      if (!client.isWritable()) {
        return;
      }
      HttpContent head = waiting.peek();
      int size = head.content().readableBytes();
      long allowance = allowance(nanoTime.getAsLong());
      if (allowance >= size) {
        waiting.poll();
        sent += size;
        writer.write(head);
        continue;
      }
      int need = Math.min(size, quantum);
      if (allowance >= need) {
        int piece = (int) allowance;
        sent += piece;
        writer.write(new DefaultHttpContent(head.content().readRetainedSlice(piece)));
        continue;
      }
      long waitNanos = (long) Math.ceil((need - allowance) * NANOS_PER_SECOND / rate);
      timer = client.eventLoop().schedule(this::wake, Math.max(1, waitNanos),
          TimeUnit.NANOSECONDS);
      return;
    }
  }

  private void wake() {
    timer = null;
    if (closed) {
      return;
    }
    drain();
    if (waiting.isEmpty() && !closed) {
      writer.drained();
    }
  }
}
