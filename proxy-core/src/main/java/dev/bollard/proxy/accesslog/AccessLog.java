package dev.bollard.proxy.accesslog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: a bounded queue and one writer thread that formats and writes lines in batches.
 *
 * <p>{@link #completed} is called on event loops and never blocks: when the queue is full the
 * line is dropped and counted ({@link #droppedLines()}), and the writer logs a warning at most
 * every ten seconds while drops continue. Nor does it wake the writer: the writer drains the queue
 * on its own schedule (at least every 10 ms, sooner as traffic grows), so a line reaches the file
 * within about 10 ms, and a batch of lines costs one write call instead of one per line. All the
 * formatting (times, escaping, JSON, templates) happens on the writer thread ({@link
 * LineEncoder}).
 */
public final class AccessLog implements RequestSink, AutoCloseable {

  /** How lines are written. */
  public enum Format {
    /** One JSON object per line. */
    JSON,
    /** The nginx-style text template of the active configuration. */
    TEXT
  }

  /** Default queue capacity: about a second of heavy traffic. */
  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final int BATCH = 512;
  /** Bytes encoded before they are written (one write call for this much, or one batch). */
  private static final int FLUSH_BYTES = 128 * 1024;
  /** The longest a line waits for the writer to look at the queue. */
  private static final long MAX_PARK_NANOS = 10_000_000L;
  private static final long MIN_PARK_NANOS = 50_000L;
  private static final long WARN_EVERY_NANOS = 10_000_000_000L;
  private static final AccessLog OFF = new AccessLog();

  private final BlockingQueue<RequestFacts> queue;
  private final Format format;
  private final LogDestination destination;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread writer;
  private final int capacity;
  private volatile boolean running = true;
  private boolean formatFailureLogged;

  private AccessLog() {
    this.queue = new ArrayBlockingQueue<>(1);
    this.capacity = 1;
    this.format = Format.JSON;
    this.destination = LogDestination.stdout();
    this.writer = new Thread(() -> {});
    this.running = false;
    stopped.countDown();
  }

  private AccessLog(LogDestination destination, Format format, int capacity, LogOutput output) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.capacity = capacity;
    this.format = format;
    this.destination = destination;
    this.writer = new Thread(() -> run(output), "bollard-access-log");
    writer.setDaemon(true);
  }

  /** A log that writes nothing. */
  public static AccessLog off() {
    return OFF;
  }

  /**
   * Opens the destination and starts the writer thread.
   *
   * @param queueCapacity lines that may wait for the writer; beyond it lines are dropped
   * @throws IOException if the file cannot be opened (the message names it)
   */
  public static AccessLog start(LogDestination destination, Format format, int queueCapacity)
      throws IOException {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "queueCapacity: " + queueCapacity + " (expected: >= 1)");
    }
    LogOutput output;
    try {
      output = new LogOutput(destination);
    } catch (IOException e) {
      throw new IOException("cannot open access log " + destination + ": " + e, e);
    }
    AccessLog accessLog = new AccessLog(destination, format, queueCapacity, output);
    accessLog.writer.start();
    return accessLog;
  }

  /** Whether lines are written at all. */
  public boolean isEnabled() {
    return this != OFF;
  }

  @Override
  public void completed(RequestFacts facts) {
    if (!running || skipped(facts)) {
      return;
    }
    if (!queue.offer(facts)) {
      dropped.incrementAndGet();
    }
  }

  private static boolean skipped(RequestFacts facts) {
    List<String> skip = facts.settings().skipUris();
    if (skip.isEmpty()) {
      return false;
    }
    String uri = facts.uri();
    int q = uri.indexOf('?');
    return skip.contains(uri) || (q >= 0 && skip.contains(uri.substring(0, q)));
  }

  /** Lines dropped because the queue was full or the file could not be written. */
  public long droppedLines() {
    return dropped.get();
  }

  /** Lines written so far. */
  public long writtenLines() {
    return written.get();
  }

  private void run(LogOutput output) {
    List<RequestFacts> batch = new ArrayList<>(BATCH);
    LineEncoder lines = new LineEncoder(format, FLUSH_BYTES + FLUSH_BYTES / 4);
    long warnedAt = System.nanoTime() - WARN_EVERY_NANOS;
    long warnedDrops = 0;
    long drainedAt = System.nanoTime();
    try {
      while (true) {
        // Read before draining: whatever was queued before close() is written by this pass.
        boolean stopping = !running;
        Thread.interrupted(); // nobody should interrupt the writer; an interrupt must not spin it
        int n = queue.drainTo(batch, BATCH);
        output.reopenIfRotated();
        long drops = dropped.get();
        if (drops != warnedDrops && System.nanoTime() - warnedAt >= WARN_EVERY_NANOS) {
          log.warn("Access log {} dropped {} lines so far (the writer cannot keep up; queue of {})",
              destination, drops, capacity);
          warnedAt = System.nanoTime();
          warnedDrops = drops;
        }
        if (n > 0) {
          write(batch, lines, output);
          batch.clear();
        }
        if (stopping && n == 0) {
          return;
        }
        if (n < BATCH && !stopping) {
          long now = System.nanoTime();
          LockSupport.parkNanos(this, parkNanos(n, now - drainedAt));
          drainedAt = now;
        }
      }
    } finally {
      output.close();
      stopped.countDown();
    }
  }

  /**
   * How long the writer waits before its next drain. Nobody wakes it per line (a wake-up is a
   * system call and a context switch on the event loop's CPU); instead it comes back in time for
   * the queue to be at most a quarter full at the rate just seen, and at least every {@link
   * #MAX_PARK_NANOS}.
   */
  private long parkNanos(int drained, long sinceLastDrain) {
    if (drained == 0) {
      return MAX_PARK_NANOS;
    }
    double quarterFull = (double) sinceLastDrain * (capacity / 4 + 1) / drained;
    return (long) Math.max(MIN_PARK_NANOS, Math.min(MAX_PARK_NANOS, quarterFull));
  }

  /** Encodes the batch and writes it: one write per {@link #FLUSH_BYTES}, not per line. */
  private void write(List<RequestFacts> batch, LineEncoder lines, LogOutput output) {
    int pending = 0;
    for (RequestFacts f : batch) {
      try {
        lines.append(f);
        pending++;
      } catch (RuntimeException e) {
        dropped.incrementAndGet();
        if (!formatFailureLogged) {
          formatFailureLogged = true;
          log.warn("Access log {}: cannot format the line of {} {} (dropped; counted in the"
              + " dropped lines from now on without a warning): {}", destination, f.method(),
              f.uri(), e.toString());
        }
      }
      if (lines.size() >= FLUSH_BYTES) {
        flush(lines, pending, output);
        pending = 0;
      }
    }
    if (pending > 0) {
      flush(lines, pending, output);
    }
  }

  private void flush(LineEncoder lines, int count, LogOutput output) {
    if (output.isBroken()) {
      dropped.addAndGet(count);
    } else {
      try {
        lines.writeTo(output);
        written.addAndGet(count);
      } catch (IOException e) {
        dropped.addAndGet(count);
        log.warn("Cannot write access log {}: {}", destination, e.toString());
      }
    }
    lines.clear();
  }

  /** Writes what is queued, then stops the writer (waits up to five seconds). Idempotent. */
  @Override
  public void close() {
    if (this == OFF) {
      return;
    }
    running = false;
    LockSupport.unpark(writer);
    try {
      if (!stopped.await(5, TimeUnit.SECONDS)) {
        log.warn("Access log writer did not finish within 5s; {} lines may be lost", queue.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
