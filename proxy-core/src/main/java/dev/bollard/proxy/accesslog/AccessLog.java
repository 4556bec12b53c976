package dev.bollard.proxy.accesslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: a bounded queue and one writer thread that formats and writes lines in batches.
 *
 * <p>{@link #completed} is called on event loops and never blocks: when the queue is full the
 * line is dropped and counted ({@link #droppedLines()}), and the writer logs a warning at most
 * every ten seconds while drops continue.
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
  private static final long WARN_EVERY_NANOS = 10_000_000_000L;
  private static final AccessLog OFF = new AccessLog();

  private final BlockingQueue<RequestFacts> queue;
  private final Format format;
  private final LogDestination destination;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread writer;
  private volatile boolean running = true;

  private AccessLog() {
    this.queue = new ArrayBlockingQueue<>(1);
    this.format = Format.JSON;
    this.destination = LogDestination.stdout();
    this.writer = new Thread(() -> {});
    this.running = false;
    stopped.countDown();
  }

  private AccessLog(LogDestination destination, Format format, int capacity, LogOutput output) {
    this.queue = new ArrayBlockingQueue<>(capacity);
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
    StringBuilder text = new StringBuilder(BATCH * 512);
    Map<LogSettings, TextLineFormat> templates = new IdentityHashMap<>();
    long warnedAt = System.nanoTime() - WARN_EVERY_NANOS;
    long warnedDrops = 0;
    try {
      while (running || !queue.isEmpty()) {
        RequestFacts first;
        try {
          first = queue.poll(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          first = null;
        }
        output.reopenIfRotated();
        long drops = dropped.get();
        if (drops != warnedDrops && System.nanoTime() - warnedAt >= WARN_EVERY_NANOS) {
          log.warn("Access log {} dropped {} lines so far (the writer cannot keep up; queue of {})",
              destination, drops, queue.remainingCapacity() + queue.size());
          warnedAt = System.nanoTime();
          warnedDrops = drops;
        }
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        text.setLength(0);
        for (RequestFacts f : batch) {
          formatOf(f, templates).append(f, text);
          text.append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (output.isBroken()) {
          dropped.addAndGet(batch.size());
        } else {
          try {
            output.write(bytes, bytes.length);
            written.addAndGet(batch.size());
          } catch (IOException e) {
            dropped.addAndGet(batch.size());
            log.warn("Cannot write access log {}: {}", destination, e.toString());
          }
        }
        batch.clear();
        if (templates.size() > 16) {
          templates.clear();
        }
      }
    } finally {
      output.close();
      stopped.countDown();
    }
  }

  private LineFormat formatOf(RequestFacts f, Map<LogSettings, TextLineFormat> templates) {
    if (format == Format.JSON) {
      return JsonLineFormat.INSTANCE;
    }
    return templates.computeIfAbsent(f.settings(),
        s -> TextLineFormat.compile(s.effectiveTemplate()));
  }

  /** Writes what is queued, then stops the writer (waits up to five seconds). Idempotent. */
  @Override
  public void close() {
    if (this == OFF) {
      return;
    }
    running = false;
    try {
      if (!stopped.await(5, TimeUnit.SECONDS)) {
        log.warn("Access log writer did not finish within 5s; {} lines may be lost", queue.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
